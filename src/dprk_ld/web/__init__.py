"""The web layer: a Flask app factory and thin views over the query service and the site.

``app`` (``create_app(config)``, no global state), ``settings`` (the one table of settings),
``conneg`` (content negotiation), ``errors`` (the one error shape), ``sparql`` (the protocol's
view), the site's views, and ``server`` (`dprk-ld serve` under Granian).

May import: ``dprk_ld.endpoint``, ``dprk_ld.site``, ``dprk_ld.release``, ``dprk_ld.formats``
(and ``dprk_ld.curation`` through them). Nothing imports it but ``dprk_ld.cli`` and
``dprk_ld.testing``.
"""
