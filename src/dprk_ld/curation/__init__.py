"""Curation: the curated input in data/, read and checked into a :class:`~dprk_ld.curation.model.Project`.

Sources and their archived texts, entities, findings and their quotes, the checked links out and
the retired identifiers are read by one module each and put together by
:func:`dprk_ld.curation.load.load_project`, which reports every problem at once
(:class:`~dprk_ld.curation.errors.DataError`); :mod:`~dprk_ld.curation.reconcile` finds candidate
links for curators to review.

This is the bottom layer. It may import the rest of ``dprk_ld.curation``, ``dprk_ld.formats`` and
third-party libraries; never ``release``, ``endpoint``, ``site``, ``web`` or ``cli``.
"""
