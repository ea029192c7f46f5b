"""Reading a report: plain text, HTML (its main text, without navigation or boilerplate, by
``trafilatura``) or PDF (by ``pypdf``), normalized to Unix line endings and Unicode NFC, with no
other change: quotes, dashes and lost spaces stay as they are."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}


class ReadError(Exception):
    """The file cannot be read as a report."""


def normalize(text: str) -> str:
    """Line endings made ``\\n``, a leading byte-order mark dropped, Unicode NFC; nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def kind_of(path: Path, data: bytes) -> str:
    """``pdf``, ``html`` or ``text``: by the file's first bytes, else by its suffix."""
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-") or path.suffix.lower() in PDF_SUFFIXES:
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    return "text"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def html_text(data: bytes) -> str:
    """The main text of an HTML page (headings and paragraphs, one per line), without its
    navigation, footer, comments and tables of links."""
    import trafilatura

    text = trafilatura.extract(
        _decode(data),
        include_comments=False,
        include_tables=False,
        include_links=False,
        include_images=False,
        favor_precision=True,
    )
    if not text:
        raise ReadError("no main text found in the HTML page")
    return text


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ReadError(f"not a readable PDF: {exc}") from None
    text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
    if not text.strip():
        raise ReadError("the PDF holds no extractable text (a scan needs OCR first)")
    return text


def read_document(path: Path) -> tuple[str, str]:
    """The normalized text of the report in ``path`` and the kind it was read as."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror}") from None
    kind = kind_of(path, data)
    raw = pdf_text(data) if kind == "pdf" else html_text(data) if kind == "html" else _decode(data)
    text = normalize(raw)
    if not text.strip():
        raise ReadError(f"{path.name} holds no text")
    return text, kind
