"""Release: the checked curated data made RDF, validated, serialized and read back.

The curated :class:`~dprk_ld.curation.model.Project` becomes RDF under the dprk-ld ontology
(``rdf``, ``namespaces``), is validated against the SHACL shapes (``validate``), and is written as
deterministic dumps with their VoID/DCAT description (``dumps``) into dist/, all or nothing
(``build``). A built release is read back into a store (``store``) and queried (``query``,
``examples``); ``stats`` counts what the findings cover. Nothing here prints or exits: failures
are raised (``errors``; curation's DataError for the input).

This layer may import ``dprk_ld.curation``, ``dprk_ld.formats``, the rest of ``dprk_ld.release``
and third-party libraries; never ``endpoint``, ``site``, ``web`` or ``cli``.
"""
