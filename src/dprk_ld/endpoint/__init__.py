"""The query service: SPARQL queries read, checked, evaluated and bounded, with no HTTP in it.

``protocol`` reads what a request asks for, ``precheck`` refuses what the engine must never see
(deciding on a parse that follows the SPARQL 1.1 grammar: ``sparql_lexer``, ``sparql_core``,
``sparql_patterns``, ``sparql_expressions``, ``sparql_parser``) and recognises bounded lookups,
``evaluate`` runs a job on a pyoxigraph store, ``pool`` runs jobs
in killable worker processes, ``cache`` keeps finished answers within a byte budget,
``service_description`` describes the endpoint. Every refusal or failure is an
``errors.QueryError`` with a stable code; the web layer gives it an HTTP status.

May import: ``dprk_ld.formats`` and ``dprk_ld.release`` (and the standard library, pyoxigraph).
Not Flask, werkzeug, ``dprk_ld.site`` or ``dprk_ld.web``.
"""
