"""Search over the labels and summaries of a release, as plain functions.

:func:`search_index` builds the index once per release (kept in the site's cache): every resource
under the site's base that has a name or a summary (the index leaves out times, evidence records,
graphs and files), with what it is called and what it says: its English label, its other labels
in every language (alternative labels, Hangul, romanizations, notations), its identifier, its
summary, definition or description, and a finding's quotes.

Words are compared folded (:func:`fold`): compatibility forms unified, accents dropped, case
folded, so ``Kwanlisó`` finds ``kwanliso``. :func:`search` ranks what matches *every* word of the
query: a word scores by the field it is found in (:data:`WEIGHTS`: label, other labels,
identifier, summary, quote) and how (a whole word counts fully; the start of a longer word, and for
Hangul, written without spaces in compounds, any part of one, count half); a label equal to the
query, or starting with it, comes first. Ties go to the shorter label, then alphabetically.

The query is bounded (:data:`MAX_QUERY_CHARS`, :data:`MAX_TERMS`, :data:`MAX_PAGE`); a query or
page out of bounds raises :class:`SearchInputError`, which the web layer answers with a 400.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from dprk_ld.release.namespaces import DPRK, PREFIXES
from dprk_ld.site.render import render
from dprk_ld.site.state import Site
from dprk_ld.site.terms import compact, labels

MAX_QUERY_CHARS = 200  # characters of a query (more: SearchInputError)
MAX_TERMS = 10  # words of a query that are searched (the rest are ignored)
MAX_PAGE = 1000
PAGE_SIZE = 20
MIN_PARTIAL = 2  # a word this long or longer also matches the start of longer words
PARTIAL = 0.5  # the score of a partial match, against 1 for a whole word
SNIPPET_CHARS = 220
SNIPPET_LEAD = 60  # characters shown before the first match in a snippet
#: field -> weight of a match in it
WEIGHTS = {"label": 8, "name": 6, "identifier": 3, "text": 2, "quote": 1}
#: property -> field it fills
FIELDS = {
    "rdfs:label": "label", "skos:prefLabel": "label", "dcterms:title": "label",
    "foaf:name": "label", "skos:altLabel": "name", "skos:hiddenLabel": "name",
    "skos:notation": "name", "dcterms:identifier": "identifier", "dprk:summary": "text",
    "skos:definition": "text", "dcterms:description": "text", "rdfs:comment": "text",
}
TEXT_QUERY = ("SELECT ?s ?p ?o WHERE { VALUES ?p { " + " ".join(FIELDS)
              + " } ?s ?p ?o FILTER(isLiteral(?o)) }")
QUOTES_QUERY = "SELECT ?s ?o WHERE { ?s dprk:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?o }"
TYPES_QUERY = "SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?t)) }"
#: what a resource stands in: a finding's source, a section's document, a concept's scheme
CONTEXT_QUERY = "SELECT ?s ?c WHERE { ?s dcterms:source|dcterms:isPartOf|skos:inScheme ?c }"
#: paths under the base that are not searched (times, evidence, graphs, files)
SKIPPED = ("id/time/", "id/evidence/", "graph/", "dumps/")
#: the classes a result is named by, the first that applies, with their name (None: the label
#: the ontology gives)
KINDS: dict[str, str | None] = {PREFIXES[p] + local: name for p, local, name in (
    ("dprk", "Finding", None), ("dprk", "SourceDocument", None), ("dprk", "Section", None),
    ("dprk", "Event", None), ("dprk", "Disagreement", None), ("qb", "DataSet", "Series of figures"),
    ("dprk", "Place", None), ("org", "Organization", "Organization"), ("foaf", "Person", "Person"),
    ("dprk", "LegalInstrument", None), ("dprk", "Topic", None),
    ("skos", "ConceptScheme", "Concept scheme"), ("skos", "Concept", "Concept"),
    ("owl", "Ontology", "Ontology"), ("owl", "Class", "Class"),
    ("owl", "ObjectProperty", "Object property"), ("owl", "DatatypeProperty", "Datatype property"))}
WORD = re.compile(r"\w+")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


class SearchInputError(ValueError):
    """A search query or page out of bounds: ``parameter`` names it, ``details`` the limit."""

    def __init__(self, message: str, parameter: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.details = details


def fold(text: str) -> str:
    """``text`` as it is compared: compatibility forms unified, accents dropped, case folded
    (Hangul syllables are kept whole)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


def words_of(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))


@dataclass
class Entry:
    """One searchable resource: its name, kind, link and texts (field, text)."""

    iri: str
    href: str
    kind: str
    label: str
    texts: list[tuple[str, str]] = field(default_factory=list)
    context: str = ""  # the label of what it is part of, or of its source


@dataclass
class SearchIndex:
    entries: list[Entry]
    #: folded word -> entry number -> the weight of the best field it is in
    postings: dict[str, dict[int, int]]
    words: list[str]  # the vocabulary, sorted (for the starts of words)
    hangul: list[str]  # the words in Hangul (for parts of words)


@dataclass
class Hit:
    kind: str
    label: str
    href: str
    iri: str
    score: float
    #: the snippet, as (text, matched) pieces
    snippet: list[tuple[str, bool]]
    context: str = ""

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass
class Results:
    query: str
    terms: list[str]
    total: int
    page: int
    hits: list[Hit]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


def _kind(types: set[str], names: dict[str, str]) -> str:
    """What a resource of ``types`` is, in words: ``Place``, ``Finding · Pattern or practice``."""
    def name(cls: str) -> str:
        text = KINDS.get(cls) or names.get(cls) or cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return text[:1].upper() + text[1:]

    main = next((cls for cls in KINDS if cls in types), None)
    if main is None:
        return name(min(types)) if types else "Resource"
    if main == str(DPRK.Finding):
        sub = sorted(t for t in types if t.startswith(str(DPRK)) and t != main)
        return f"{name(main)} · {name(sub[0])}" if sub else name(main)
    return name(main)


def _searched(s: Site, iri: str) -> bool:
    local = s.local(iri)
    if local is None or local[1:].startswith(SKIPPED):
        return False
    return "#" not in local or local.startswith("/ontology#")


def _collect(s: Site) -> dict[str, list[tuple[str, str, str | None]]]:
    """iri -> (field, text, language) of every searchable text of the release."""
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for r in s.store.query(TEXT_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
        iri = r["s"].value
        if _searched(s, iri):
            kind = FIELDS[compact(r["p"].value)]
            lang = getattr(r["o"], "language", None)
            if kind == "label" and lang not in (None, "en"):
                kind = "name"
            found.setdefault(iri, []).append((kind, r["o"].value, lang))
    for r in s.store.query(QUOTES_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
        if r["s"].value in found:
            found[r["s"].value].append(("quote", r["o"].value, None))
    return found


def _entry(s: Site, iri: str, texts: list[tuple[str, str, str | None]], types: set[str],
           names: dict[str, str]) -> Entry:
    ordered = sorted({(WEIGHTS[f], f, t) for f, t, _ in texts}, key=lambda x: (-x[0], x[1], x[2]))
    label = names.get(iri)
    if str(DPRK.Finding) in types:  # named as its page is
        ident = next((t for f, t, _ in texts if f == "identifier"), None)
        label = f"Finding {ident}" if ident else label
    if not label:
        label = next((t for _, f, t in ordered if f in ("label", "name", "text")), iri)
    return Entry(iri, s.href(iri), _kind(types, names), label, [(f, t) for _, f, t in ordered])


def build_index(s: Site) -> SearchIndex:
    """The search index of the site's release (see :func:`search_index`, which keeps it)."""
    names = labels(s)
    types: dict[str, set[str]] = {}
    for r in s.store.query(TYPES_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
        types.setdefault(r["s"].value, set()).add(r["t"].value)
    entries = [_entry(s, iri, texts, types.get(iri, set()), names)
               for iri, texts in sorted(_collect(s).items())]
    contexts: dict[str, set[str]] = {}
    for r in s.store.query(CONTEXT_QUERY, use_default_graph_as_union=True, prefixes=PREFIXES):
        if r["c"].value in names:
            contexts.setdefault(r["s"].value, set()).add(names[r["c"].value])
    for entry in entries:
        entry.context = " · ".join(sorted(contexts.get(entry.iri, ())))
    postings: dict[str, dict[int, int]] = {}
    for number, entry in enumerate(entries):
        for f, text in entry.texts:
            for word in words_of(text):
                slot = postings.setdefault(word, {})
                slot[number] = max(slot.get(number, 0), WEIGHTS[f])
    vocabulary = sorted(postings)
    return SearchIndex(entries, postings, vocabulary, [w for w in vocabulary if HANGUL.search(w)])


def search_index(s: Site) -> SearchIndex:
    """The site's search index, built on first use and kept for the release."""
    return s.cached("search_index", lambda: build_index(s))


# --- a query ---------------------------------------------------------------------------------------


def check_query(text: str | None) -> str:
    """The query as given (stripped), or SearchInputError when it is too long."""
    query = (text or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise SearchInputError(f"The search is longer than {MAX_QUERY_CHARS} characters.", "q",
                               limit_chars=MAX_QUERY_CHARS)
    return query


def check_page(text: str | None) -> int:
    """The page number asked for (1 when not given), or SearchInputError."""
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise SearchInputError(f"The page is a number from 1 to {MAX_PAGE}.", "page",
                               limit=MAX_PAGE)
    return int(text)


def terms_of(query: str) -> list[str]:
    """The folded words of a query that are searched: each once, the first :data:`MAX_TERMS`."""
    return list(dict.fromkeys(words_of(query)))[:MAX_TERMS]


def _partial(term: str, word: str) -> bool:
    """A longer word that ``term`` matches in part: its start, or for Hangul any part."""
    if word == term:
        return False
    return (len(term) >= MIN_PARTIAL and word.startswith(term)) or (
        bool(HANGUL.search(term)) and term in word)


def _scores(index: SearchIndex, term: str) -> dict[int, float]:
    """Entry number -> the score of ``term`` in it (its best field, whole or in part)."""
    found: dict[int, float] = {n: float(w) for n, w in index.postings.get(term, {}).items()}
    candidates: list[str] = []
    if len(term) >= MIN_PARTIAL:
        start = bisect.bisect_left(index.words, term)
        end = bisect.bisect_left(index.words, term + "\U0010ffff")
        candidates.extend(index.words[start:end])
    if HANGUL.search(term):
        candidates.extend(w for w in index.hangul if term in w)
    for word in candidates:
        if _partial(term, word):
            for n, weight in index.postings[word].items():
                found[n] = max(found.get(n, 0.0), weight * PARTIAL)
    return found


def rank(index: SearchIndex, query: str) -> list[tuple[float, Entry]]:
    """(score, entry) of every entry matching every word of ``query``, best first."""
    terms = terms_of(query)
    if not terms:
        return []
    total: dict[int, float] | None = None
    for term in terms:
        scores = _scores(index, term)
        total = scores if total is None else {n: v + scores[n] for n, v in total.items()
                                              if n in scores}
    whole = " ".join(terms)
    ranked = []
    for n, score in (total or {}).items():
        entry = index.entries[n]
        label = " ".join(words_of(entry.label))
        bonus = 20 if label == whole else 5 if label.startswith(whole) else 0
        ranked.append((score + bonus, entry))
    ranked.sort(key=lambda x: (-x[0], len(x[1].label), x[1].label.casefold(), x[1].iri))
    return ranked


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A piece of ``text`` around its first word that matches ``terms``, as (text, matched)
    pieces (plain text: the page escapes it)."""
    words = list(WORD.finditer(text))
    hits = [m for m in words if _word_matches(m.group(), terms)]
    start = 0
    if hits and hits[0].start() > SNIPPET_LEAD:
        start = next(m.start() for m in words if m.start() >= hits[0].start() - SNIPPET_LEAD)
    end = len(text)
    if end - start > width:
        end = max((m.end() for m in words if start < m.end() <= start + width), default=start + width)
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    at = start
    for m in hits:
        if start <= m.start() and m.end() <= end:
            pieces.extend([(text[at:m.start()], False), (m.group(), True)])
            at = m.end()
    pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return [p for p in pieces if p[0]]


def _word_matches(word: str, terms: list[str]) -> bool:
    folded = fold(word)
    return any(folded == t or _partial(t, folded) for t in terms)


def _hit(entry: Entry, score: float, terms: list[str]) -> Hit:
    """A result: its snippet is the first summary, definition or quote where a word matches,
    else its first summary or definition, else its other names."""
    def matching(text: str) -> bool:
        return any(_word_matches(w, terms) for w in WORD.findall(text))

    texts = [t for f, t in entry.texts if f == "text"]
    quotes = [t for f, t in entry.texts if f == "quote"]
    names = " · ".join(t for f, t in entry.texts if f == "name")
    chosen = next((t for t in [*texts, *quotes] if matching(t)), texts[0] if texts else names)
    return Hit(entry.kind, entry.label, entry.href, entry.iri, score,
               snippet(chosen, terms) if chosen else [], entry.context)


def search(s: Site, query: str, page: int = 1) -> Results:
    """The results of ``query`` (checked with :func:`check_query`) on page ``page``."""
    terms = terms_of(query)
    ranked = rank(search_index(s), query)
    first = (page - 1) * PAGE_SIZE
    hits = [_hit(entry, score, terms) for score, entry in ranked[first:first + PAGE_SIZE]]
    return Results(query, terms, len(ranked), page, hits)


# --- the page and the JSON --------------------------------------------------------------------------


def page_href(query: str, page: int) -> str:
    """The path of a page of results."""
    return "/search?" + urlencode({"q": query, **({"page": page} if page > 1 else {})})


def search_json(s: Site, query: str, page: int = 1) -> dict[str, Any]:
    """The results as a JSON record for programs."""
    res = search(s, query, page)
    return {
        "query": res.query,
        "terms": res.terms,
        "total": res.total,
        "page": res.page,
        "page_size": PAGE_SIZE,
        "pages": res.pages,
        "next": page_href(query, page + 1) if page < res.pages else None,
        "results": [{"kind": h.kind, "label": h.label, "snippet": h.snippet_text, "href": h.href,
                     "iri": h.iri, "in": h.context, "score": round(h.score, 3)} for h in res.hits],
    }


def search_page(s: Site, query: str, page: int = 1) -> str:
    """The results as a page for people (with the search box filled in)."""
    res = search(s, query, page)
    return render(
        "search.html", results=res, search_query=query, page_size=PAGE_SIZE,
        max_terms=MAX_TERMS, max_chars=MAX_QUERY_CHARS,
        previous=page_href(query, page - 1) if page > 1 else None,
        next=page_href(query, page + 1) if page < res.pages else None,
    )


__all__ = ["MAX_PAGE", "MAX_QUERY_CHARS", "MAX_TERMS", "PAGE_SIZE", "Entry", "Hit", "Results",
           "SearchIndex", "SearchInputError", "build_index", "check_page", "check_query", "fold",
           "rank", "search", "search_index", "search_json", "search_page", "snippet", "terms_of",
           "words_of"]
