"""The site: the linked-data documents and pages of a release, as plain functions.

What it holds: the IRI of a request path, whether the release knows it, its description and
that description in each RDF syntax (``describe``, ``graphs``), the HTML pages drawn from the
descriptions with the site's own templates (``render``, ``terms``, ``pages``, ``ontology``,
``charts``, ``landing``), a search over labels and summaries (``search``), and what lets
programs find the dataset: VoID, sitemap, robots, the downloadable release files
(``discovery``). Every function takes the app's :class:`Site` record (``state``) or a store, and
returns text, bytes, graphs or None; nothing here knows of HTTP.

May import: :mod:`dprk_ld.formats`, :mod:`dprk_ld.release` and :mod:`dprk_ld.curation` (the
layers below), and rdflib, pyoxigraph, jinja2 and markupsafe. Never Flask, :mod:`dprk_ld.web`
(content negotiation, requests and responses are the web layer's) or :mod:`dprk_ld.endpoint`.
"""
