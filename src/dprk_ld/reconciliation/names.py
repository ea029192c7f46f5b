"""The key a name is looked up by, and the words it is scored by.

A name and a query meet on their *key*: the text in Unicode compatibility form, its accents and
other combining marks dropped (``ŏ`` -> ``o``, so McCune-Reischauer breves do not count), case
folded, and everything but letters and digits removed (spaces, hyphens, apostrophes, dots). So
"Hoeryong", "Hoeryŏng" and "hoe-ryong" have one key, ``hoeryong``, and "Kim Jong-un" and "Kim
Jong Un" another. Hangul is kept whole: the syllables are decomposed only to drop marks, then
composed again, so "회령" keys as "회령".

The *words* of a text are its runs of letters and digits after the same folding; they score
near misses (:mod:`dprk_ld.reconciliation.match`) and find a prefix inside a name.
"""

from __future__ import annotations

import re
import unicodedata

#: a run of letters or digits (Hangul, Latin, ...) once the text is folded
WORD_RE = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` without combining marks, composed and case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).casefold()


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, folded, in order."""
    return tuple(WORD_RE.findall(fold(text)))


def key(text: str) -> str:
    """The key ``text`` is looked up by: its words joined with nothing between them."""
    return "".join(words(text))


def shorten(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when over ``limit``."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(",;:") + "…"


__all__ = ["fold", "key", "shorten", "words"]
