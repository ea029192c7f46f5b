"""Reconciliation: other datasets' names matched to our entities and findings, as plain functions.

The Reconciliation Service API 0.2 (what OpenRefine speaks) without HTTP in it: ``names``
normalizes a name to the key it is looked up by ("Hoeryŏng", "hoe-ryong" and "Hoeryong" share
one), ``kinds`` is the table of types and properties the service offers, ``index`` reads a
release's store once into an in-memory index of every entity's names and values, ``inputs``
reads and bounds what a client sends (every refusal an :class:`~inputs.BadInput`), ``match``
scores candidates and decides which one is a match, ``extend`` answers data extension and
property proposals, ``suggest`` completes prefixes, and ``service`` makes the manifest and the
preview card.

May import: :mod:`dprk_ld.formats`, :mod:`dprk_ld.curation` and :mod:`dprk_ld.release` (the
layers below), and the standard library and pyoxigraph. Never Flask or werkzeug,
:mod:`dprk_ld.endpoint`, :mod:`dprk_ld.site` or :mod:`dprk_ld.web`.
"""
