"""Help for a curator whose data is refused: "did you mean" for a mistyped id, field or concept,
and, for a quote that is not in its source, where the match stops and which character differs.

The close matches come from the standard library's ``difflib`` (ratio of matching blocks); a
concept also matches by its labels, so ``forced labour`` points to ``forced-labor``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

MIN_PREFIX = 12  # characters of a quote that must match before "where it stops" means anything


def fold(text: str) -> str:
    """Lower case, accents and punctuation away, runs of space as one: for comparing names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def close_to(value: str, choices: Iterable[str], labels: Mapping[str, str] | None = None,
             limit: int = 3) -> list[str]:
    """Up to ``limit`` of ``choices`` that ``value`` was probably meant to be: one whose id or
    label folds to the same text first, then the closest by id or by label."""
    choices = sorted(set(choices))
    labels = labels or {}
    wanted = fold(value)
    same = [c for c in choices if wanted and wanted in (fold(c), fold(labels.get(c, "")))]
    if same:
        return same[:limit]
    by_name: dict[str, str] = {}
    for choice in choices:
        by_name.setdefault(fold(choice), choice)
        if labels.get(choice):
            by_name.setdefault(fold(labels[choice]), choice)
    found: list[str] = []
    for name in difflib.get_close_matches(wanted, list(by_name), n=limit * 2, cutoff=0.6):
        if by_name[name] not in found:
            found.append(by_name[name])
    return found[:limit]


def did_you_mean(value: object, choices: Iterable[str],
                 labels: Mapping[str, str] | None = None) -> str:
    """``"; did you mean 'x' (its label)?"``, or an empty string when nothing is close."""
    if not isinstance(value, str) or not value:
        return ""
    labels = labels or {}
    found = close_to(value, choices, labels)
    if not found:
        return ""
    named = [f"{c!r} ({labels[c]})" if labels.get(c) and fold(labels[c]) != fold(c) else repr(c)
             for c in found]
    return "; did you mean " + " or ".join(named) + "?"


def _char(ch: str) -> str:
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"


def longest_prefix(text: str, quote: str, lo: int, hi: int) -> tuple[int, int]:
    """The length of the longest start of ``quote`` found in ``text[lo:hi]``, and where it
    stands (a bisection: any start of a start that is found is found too)."""
    good, at, bad = 0, lo, len(quote) + 1
    while bad - good > 1:
        mid = (good + bad) // 2
        found = text.find(quote[:mid], lo, hi)
        if found == -1:
            bad = mid
        else:
            good, at = mid, found
    return good, at


def where_it_stops(text: str, quote: str, lo: int, hi: int) -> str:
    """For a quote not found in ``text[lo:hi]``: how far it matches, and the first character that
    differs between the quote and the source there ('' when not even its start is found)."""
    n, at = longest_prefix(text, quote, lo, hi)
    if n < min(MIN_PREFIX, len(quote)):
        return "; not even its first words occur in the source"
    ours = quote[n] if n < len(quote) else ""
    theirs = text[at + n] if at + n < hi else ""
    left = max(0, n - 30)
    return (f"; its first {n} of {len(quote)} characters match the source at offset {at}, then "
            f"the quote has {_char(ours)} where the source has "
            f"{_char(theirs) if theirs else 'the end of the body'}: "
            f"quote ...{quote[left:n + 20]!r}..., source ...{text[at + left:at + n + 20]!r}...")


def scheme_labels(concepts: object, scheme: str) -> dict[str, str]:
    """The English labels of one scheme's concepts by id (from :class:`vocab.Concepts`)."""
    labels: Mapping[str, str] = getattr(concepts, "labels", {})
    prefix = scheme + "/"
    return {key[len(prefix):]: label for key, label in labels.items() if key.startswith(prefix)}
