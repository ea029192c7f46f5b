"""A result cut at a cap: the writer that stops the engine, and the notice a cut document carries.

The engine writes a result line by line (TSV for solutions, N-Triples for graphs) into a
:class:`CappedWriter`, which stops it (raises :class:`Stop`) as soon as the lines pass either cap,
``MAX_ROWS`` rows or ``MAX_RESULT_BYTES`` bytes, and keeps whole lines only. It never holds
more than the byte cap plus the one chunk that passed it, so a result of long values, or of long
strings made with CONCAT, costs the worker about the cap and no more.

A cut document says so where its syntax lets it without troubling a parser (:func:`mark`): a
``#`` comment line (Turtle, N-Triples, N-Quads, TriG), an XML comment (RDF/XML, SPARQL XML), and
the standard ``link`` of the head of SPARQL results (JSON and XML) to the page that explains the
limits. CSV, TSV and JSON-LD have no place for it that every reader skips, so they carry the
HTTP headers only (set by the web layer from :attr:`Outcome.cut`).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from dprk_ld import formats
from dprk_ld.formats import Format

#: the cap a result was cut at
ROWS = "rows"
BYTES = "bytes"
#: the setting behind each cap, named in the notices
SETTING = {ROWS: "MAX_ROWS", BYTES: "MAX_RESULT_BYTES"}


class Stop(Exception):
    """Raised by the writer to stop the engine once a cap is passed."""


class CappedWriter(io.RawIOBase):
    """Collects serialized lines and stops the engine once they pass ``max_lines`` lines or
    ``max_bytes`` bytes, keeping the whole lines before the cap (never fewer than
    ``min_lines``, the header line of TSV)."""

    def __init__(self, max_lines: int, max_bytes: int, min_lines: int = 0) -> None:
        super().__init__()
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.min_lines = min_lines
        self.parts: list[bytes] = []
        self.size = 0
        self.lines = 0
        self.cut: str | None = None  # ROWS or BYTES once cut
        #: the end of the first ``min_lines`` lines, once they are in: always kept
        self.floor: int | None = 0 if min_lines <= 0 else None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.cut is not None:  # the engine may write again (a flush) once stopped
            raise Stop
        chunk = bytes(data)
        if not chunk:
            return 0
        self.parts.append(chunk)
        self.size += len(chunk)
        self.lines += chunk.count(b"\n")
        # past the row cap: a line more, or the start of one (a chunk may end inside a line)
        over_rows = self.lines > self.max_lines or (
            self.lines == self.max_lines and not chunk.endswith(b"\n"))
        if self.floor is None and self.lines >= self.min_lines:
            self.floor = self._line_end(self.min_lines)
        # past the byte cap, and past the lines always kept
        over_bytes = self.floor is not None and self.size > max(self.max_bytes, self.floor)
        if not (over_rows or over_bytes):
            return len(chunk)
        ends = [(self._line_end(self.max_lines), ROWS)] if over_rows else []
        if over_bytes:
            ends.append((max(self._last_end_within(self.max_bytes), self.floor or 0), BYTES))
        end, self.cut = min(ends, key=lambda e: e[0])  # the cap met first; rows on a tie
        self._keep(end)
        raise Stop

    def _line_end(self, n: int) -> int:
        """The offset just past the ``n``-th newline (0 for none; the end when fewer)."""
        seen = offset = 0
        for part in self.parts:
            count = part.count(b"\n")
            if n and seen + count >= n:
                pos = -1
                for _ in range(n - seen):
                    pos = part.index(b"\n", pos + 1)
                return offset + pos + 1
            seen += count
            offset += len(part)
        return 0 if not n else offset

    def _last_end_within(self, limit: int) -> int:
        """The offset just past the last newline in the first ``limit`` bytes (0 for none)."""
        offset = end = 0
        for part in self.parts:
            if offset >= limit:
                break
            pos = part.rfind(b"\n", 0, limit - offset)
            if pos >= 0:
                end = offset + pos + 1
            offset += len(part)
        return end

    def _keep(self, end: int) -> None:
        """Keep the first ``end`` bytes (slicing one part at most), drop the rest."""
        kept: list[bytes] = []
        offset = 0
        for part in self.parts:
            if offset + len(part) > end:
                if end > offset:
                    kept.append(part[: end - offset])
                break
            kept.append(part)
            offset += len(part)
        self.parts = kept
        self.size = end
        self.lines = sum(p.count(b"\n") for p in kept)

    @property
    def held(self) -> int:
        """Bytes held now."""
        return sum(len(p) for p in self.parts)

    def getvalue(self) -> bytes:
        value = b"".join(self.parts)
        self.parts = [value]
        return value


def serialize(result: Any, writer: CappedWriter, fmt: Any) -> None:
    """Let the engine write ``result`` in ``fmt`` into ``writer`` until a cap stops it."""
    try:
        result.serialize(writer, format=fmt)
    except Stop:
        pass
    except OSError:  # the engine wraps errors raised by the writer
        if writer.cut is None:
            raise


@dataclass(frozen=True)
class Notice:
    """What a cut document says: the cap met, its value, what was kept, where limits are told."""

    cut: str  # ROWS or BYTES
    limit: int
    kept: int
    unit: str  # "rows" or "triples"
    link: str | None = None

    def text(self) -> str:
        if self.cut == ROWS:
            cap, hint = f"{self.limit} {self.unit}", ""
        else:
            cap, hint = f"{self.limit} bytes of {self.unit}", ", or select shorter values"
        said = (f"Truncated: the endpoint returns at most {cap} ({SETTING[self.cut]}); this "
                f"result holds the first {self.kept} {self.unit}, each whole. Page through it "
                f"with LIMIT and OFFSET{hint}.")
        if self.link:
            said += f" Limits: {self.link}"
        return " ".join(said.split())  # one line, whatever the link holds


def mark(body: bytes, fmt: Format, notice: Notice) -> bytes:
    """``body`` (a whole document in ``fmt``) with the notice of its cut, where ``fmt`` has a
    place for it; unchanged for CSV, TSV and JSON-LD (headers only)."""
    if notice.link and fmt is formats.JSON_RESULTS:
        body = _json_link(body, notice.link)
    elif notice.link and fmt is formats.XML_RESULTS:
        body = _xml_link(body, notice.link)
    if fmt.comments == "#":
        return b"# " + notice.text().encode("utf-8") + b"\n" + body
    if fmt.comments == "<!--":
        return _xml_comment(body, notice.text())
    return body


_JSON_HEAD = b'{"head":{"vars":['


def _json_link(body: bytes, link: str) -> bytes:
    """``"link": [link]`` in the head of SPARQL JSON results, after ``"vars"`` (a variable name
    holds no ``]``)."""
    if not body.startswith(_JSON_HEAD):
        return body
    end = body.index(b"]", len(_JSON_HEAD)) + 1
    return body[:end] + b',"link":[' + json.dumps(link).encode("ascii") + b"]" + body[end:]


def _xml_link(body: bytes, link: str) -> bytes:
    """``<link href="…"/>`` last in the head of SPARQL XML results (after the variables)."""
    return body.replace(b"</head>", b"<link href=" + quoteattr(link).encode("utf-8") + b"/></head>",
                        1)


def _xml_comment(body: bytes, text: str) -> bytes:
    """An XML comment after the XML declaration (first when there is none)."""
    while "--" in text:  # not allowed in a comment; "-%2D" is the same in a URL
        text = text.replace("--", "-%2D")
    comment = b"<!-- " + text.encode("utf-8") + b" -->"
    if body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        return body[:end] + b"\n" + comment + body[end:]
    return comment + b"\n" + body
