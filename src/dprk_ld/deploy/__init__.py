"""Deployment recipes, as plain functions that write configuration text.

What it holds: the redirect rules w3id.org needs to send the IRIs we mint to a deployment
(``w3id``: an Apache ``.htaccess`` and the README of its folder), and the nginx configuration
that puts several `dprk-ld serve` processes of one release behind a caching reverse proxy
(``replicas``: the template of ``deploy/replicas/`` filled in, and the command lines of the
processes). Nothing here starts a process or reads a request: `dprk-ld w3id` and
`dprk-ld replicas` (``dprk_ld.cli``) do. The one exception talks to a store: ``publish`` loads a
built release into an external SPARQL store (`dprk-ld publish`).

May import: :mod:`dprk_ld.formats`, :mod:`dprk_ld.curation`, :mod:`dprk_ld.release`,
:mod:`dprk_ld.site` and :mod:`dprk_ld.endpoint` (the layers below). Never Flask or
:mod:`dprk_ld.web`.
"""
