"""Ingest: a new report turned into candidate findings for a curator to review.

:mod:`~.read` reads a plain text, HTML or PDF file into normalized text; :mod:`~.segment` cuts it
into headings, sentences and boilerplate and finds the publisher's text (the body);
:mod:`~.clauses` cuts a sentence that joins two statements into clauses; :mod:`~.lexicon`,
:mod:`~.names`, :mod:`~.rules`, :mod:`~.when`, :mod:`~.timing` and :mod:`~.figures` suggest,
clause by clause, the places, organizations, concepts, dates, figures, certainty and kind;
:mod:`~.candidates` writes them as candidates in the
curation format, which :mod:`~.review` accepts, rejects, edits and checks one at a time;
:mod:`~.evaluate` scores the candidates of a curated source against its curated findings.

Every suggestion is made by a rule and says why (``why``); nothing calls the network.

Part of the curation layer: it may import ``dprk_ld.curation``, ``dprk_ld.formats`` and
third-party libraries only.
"""
