"""`dprk-ld ingest`: a report read from text, HTML or PDF, archived as a new source of the tiny
project, and cut into candidate findings whose suggestions the rules explain."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from dprk_ld.cli import main
from dprk_ld.curation.errors import Collector, DataError
from dprk_ld.curation.ingest.figures import figures_in
from dprk_ld.curation.ingest.lexicon import Lexicon
from dprk_ld.curation.ingest.read import normalize, read_document
from dprk_ld.curation.ingest.segment import BOILERPLATE, HEADING, SENTENCE, segment
from dprk_ld.curation.ingest.when import times_in
from dprk_ld.curation.load import load_project
from dprk_ld.curation.sources import load_source
from dprk_ld.testing import ingest_args

REPORT = """Skip to main content
Share this via Facebook
Report on North Korea 2024
North Korea is one of the most repressive countries in the world. In August, a court reportedly \
sentenced a man to 10 years of forced labor in Hoeryong.
Prison Camps
People are held in 관리소 where they allegedly face torture. According to the International Labour \
Organization, about 60 workers were sent abroad in 2023.
More than 1,000 North Koreans fled to South Korea.
Donate now to support our work.
Address: 1 Main Street
"""
HTML = """<!DOCTYPE html>
<html><head><title>North Korea: report</title></head><body>
<header><nav><ul><li><a href="/">Home page of the watchers</a></li><li><a href="/donate">Donate to the
watchers today</a></li></ul></nav></header>
<main><article><h1>North Korea: Events of 2024</h1>
<p>North Korea is one of the most repressive countries in the world. The government severely restricts
freedom of expression and access to information, and it punishes people who watch foreign films.</p>
<h2>Forced Labor</h2>
<p>In July, a man reportedly received a seven-year labor sentence for borrowing an SD card containing
South Korean movies. Authorities in Hoeryong held a public trial for several people accused of contacting
relatives abroad.</p></article></main>
<footer><p>Copyright 2025 the watchers. All rights reserved.</p><a href="/privacy">Privacy policy of the
watchers</a><p>Sign up for the newsletter of the watchers</p></footer></body></html>
"""
PDF_LINES = [
    "North Korea is one of the most repressive countries in the world.",
    "In August, a court reportedly sentenced a woman to 8 years of forced labor.",
]


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose content stream writes ``lines`` in Helvetica (written by hand)."""
    content = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{n} 0 obj\n{obj}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def ingest(root: Path, file: Path, source: str = "new-report", covers: str = "2024") -> int:
    return main(ingest_args(root, file, source, covers))


def candidates(root: Path, source: str = "new-report") -> list[dict[str, Any]]:
    raw = yaml.safe_load((root / "data" / "candidates" / f"{source}.yaml").read_text(encoding="utf-8"))
    assert raw["source"] == source
    return raw["candidates"]


def by_quote(items: list[dict[str, Any]], words: str) -> dict[str, Any]:
    found = [c for c in items if words in c["quotes"][0]]
    assert len(found) == 1, (words, [c["quotes"] for c in items])
    return found[0]


@pytest.fixture
def ingested(mini: Path, tmp_path: Path) -> Path:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert ingest(mini, report) == 0
    return mini


# --- the three kinds of input ---------------------------------------------------------------------


def test_a_text_report_is_archived_as_a_source_that_loads(ingested: Path, tmp_path: Path) -> None:
    archived = ingested / "data" / "sources" / "new-report.txt"
    assert archived.read_text(encoding="utf-8") == REPORT  # verbatim: nothing but normalization
    raw = yaml.safe_load((ingested / "data" / "sources" / "new-report.yaml").read_text(encoding="utf-8"))
    assert raw["sha256"] == hashlib.sha256(REPORT.encode("utf-8")).hexdigest()
    assert raw["covers"] == 2024 and raw["issued"] == "2025-01-10" and raw["seed"] == "report.txt"
    assert [s["title"] for s in raw["sections"]] == ["Introduction", "Prison Camps"]
    source = load_source(ingested / "data" / "sources" / "new-report.yaml", Collector(ingested))
    assert source is not None
    body = source.text[source.body_start : source.body_end]
    assert body.startswith("North Korea is one of") and body.rstrip().endswith("fled to South Korea.")
    assert "Prison Camps" in source.text[source.sections[1].start : source.sections[1].end]
    project = load_project(ingested)  # the candidates do not stop `check`
    assert "new-report" in project.sources and not [f for f in project.findings if f.source == "new-report"]


def test_a_changed_archived_text_is_refused_by_its_checksum(ingested: Path) -> None:
    archived = ingested / "data" / "sources" / "new-report.txt"
    archived.write_text(REPORT.replace("10 years", "11 years"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_project(ingested)
    assert "SHA-256" in str(err.value) and "changed after it was archived" in str(err.value)


def test_an_html_page_loses_its_navigation_and_footer(mini: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    assert ingest(mini, page) == 0
    text = (mini / "data" / "sources" / "new-report.txt").read_text(encoding="utf-8")
    assert "one of the most repressive countries" in text and "seven-year labor sentence" in text
    for boilerplate in (
        "Home page of the watchers",
        "Donate to the",
        "All rights reserved",
        "Privacy policy",
        "newsletter",
        "<p>",
    ):
        assert boilerplate not in text
    quotes = [c["quotes"][0] for c in candidates(mini)]
    assert any(q.startswith("In July, a man reportedly received") for q in quotes)
    assert not any("watchers" in q for q in quotes)


def test_a_pdf_is_read_page_by_page(mini: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf(PDF_LINES))
    assert read_document(pdf) == ("\n".join(PDF_LINES), "pdf")
    assert ingest(mini, pdf) == 0
    item = by_quote(candidates(mini), "sentenced a woman")
    assert item["date"] == "2024-08" and item["certainty"] == "reportedly"
    assert item["sentences"] == [{"penalty": "forced-labor", "years": 8}]


def test_normalization_changes_line_endings_and_composition_only() -> None:
    decomposed = "Cafe\u0301 “quoted” — governmentmaintained\r\nnext\rline"
    assert normalize(decomposed) == "Café “quoted” — governmentmaintained\nnext\nline"


def test_an_unknown_publisher_is_refused_with_a_hint(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    code = main(
        [
            "ingest",
            str(report),
            "--source",
            "x",
            "--title",
            "T",
            "--url",
            "https://e.org",
            "--publisher",
            "test-publishr",
            "--published",
            "2025-01-10",
            "--covers",
            "2024",
            "--root",
            str(mini),
        ]
    )
    assert code == 2
    assert "did you mean 'test-publisher'" in capsys.readouterr().err
    assert not (mini / "data" / "sources" / "x.yaml").exists()


# --- what the rules suggest ---------------------------------------------------------------------


def test_boilerplate_and_headings_are_left_out(ingested: Path) -> None:
    quotes = [c["quotes"][0] for c in candidates(ingested)]
    assert len(quotes) == 5
    for junk in ("Skip to", "Share this", "Report on North Korea", "Prison Camps", "Donate", "Address"):
        assert not any(junk in q for q in quotes), junk
    kinds = {s.text: s.kind for s in segment(REPORT).spans}
    assert kinds["Share this via Facebook"] == BOILERPLATE and kinds["Prison Camps"] == HEADING
    assert kinds["Donate now to support our work."] == BOILERPLATE


def test_lost_spaces_and_line_breaks_still_cut_sentences() -> None:
    text = (
        "Browse the siteNorth Korea in 2020 remained repressive.Under the rule of Kim, fear grew. It ended."
    )
    spans = segment(text).spans
    assert [(s.kind, s.text) for s in spans] == [
        (HEADING, "Browse the site"),
        (SENTENCE, "North Korea in 2020 remained repressive."),
        (SENTENCE, "Under the rule of Kim, fear grew."),
        (SENTENCE, "It ended."),
    ]
    assert [s.text for s in segment("The U.S. Congress acted. Mr. Kim left.").spans] == [
        "The U.S. Congress acted.",
        "Mr. Kim left.",
    ]


def test_dates_are_resolved_against_the_period_covered(ingested: Path) -> None:
    items = candidates(ingested)
    august = by_quote(items, "In August")
    assert (august["date"], august["time_basis"]) == ("2024-08", "inferred-from-coverage")
    ilo = by_quote(items, "sent abroad in 2023")
    assert ilo["date"] == "2023" and "time_basis" not in ilo  # stated: the year is in the text
    undated = by_quote(items, "most repressive")
    assert (undated["as_of"], undated["time_basis"]) == ("2024", "inferred-from-coverage")


def test_times_keep_their_precision_and_their_basis() -> None:
    def found(
        sentence: str, covered: str | None = "2024", context: str | None = None
    ) -> list[tuple[Any, ...]]:
        return [(f.field, f.value, f.basis) for f in times_in(sentence, covered, context)]

    assert found("On December 16, 2021, it adopted") == [("date", "2021-12-16", "stated")]
    assert found("On 20 May the assembly met") == [("date", "2024-05-20", "inferred-from-coverage")]
    assert found("Between January and June 2024, 105 arrived") == [
        ("period", {"start": "2024-01", "end": "2024-06"}, "stated")
    ]
    assert found("as of September, guards") == [("as_of", "2024-09", "inferred-from-coverage")]
    assert found("Since 2014 it has refused") == [("period", {"start": "2014"}, "stated")]
    assert found("In July, a man", covered=None, context="2023") == [
        ("date", "2023-07", "inferred-from-context")
    ]
    assert found("In July, a man", covered=None) == []  # no year anywhere: nothing is made up
    assert found("It concerns Covid-19 and the 1970s") == []


def test_figures_get_their_unit_and_qualifier() -> None:
    def figures(sentence: str) -> list[dict[str, object]]:
        return [f.as_yaml() for f in figures_in(sentence, []) if not f.penalty]

    assert figures("about 60 North Korean refugees") == [
        {"value": 60, "unit": "person", "qualifier": "about"}
    ]
    assert figures("more than 1,000 people fled") == [
        {"value": 1000, "unit": "person", "qualifier": "more-than"}
    ]
    assert figures("at least 5 executions were reported") == [
        {"value": 5, "unit": "count", "qualifier": "at-least"}
    ]
    assert figures("roughly KRW1.6 million (around US$1,200)") == [
        {"value": 1600000, "unit": "krw", "qualifier": "about"},
        {"value": 1200, "unit": "usd", "qualifier": "about"},
    ]
    assert figures("zones that extend one to two kilometers") == [
        {"min": 1, "max": 2, "unit": "kilometer", "qualifier": "range"}
    ]
    assert figures("held for 40 or 50 days") == [
        {"alternatives": [40, 50], "unit": "day", "qualifier": "either"}
    ]
    assert figures("one of seven UN member states under resolution 2397") == [
        {"value": 7, "unit": "count", "qualifier": "exact"}
    ]
    terms = [(f.value, f.penalty) for f in figures_in("sentenced to 10, 9 and 8 years of forced labor", [])]
    assert terms == [(10, True), (9, True), (8, True)]


def test_figures_of_a_candidate(ingested: Path) -> None:
    items = candidates(ingested)
    assert by_quote(items, "fled to South Korea")["quantities"] == [
        {"value": 1000, "unit": "person", "qualifier": "more-than"}
    ]
    assert by_quote(items, "about 60 workers")["quantities"] == [
        {"value": 60, "unit": "person", "qualifier": "about"}
    ]


def test_entities_and_concepts_are_matched_by_label_alt_label_and_hangul(ingested: Path) -> None:
    items = candidates(ingested)
    august = by_quote(items, "In August")
    assert august["places"] == ["hoeryong"] and august["perpetrators"] == ["dprk-courts"]
    assert august["violations"] == ["forced-labor"]
    camps = by_quote(items, "관리소")
    assert camps["institutions"] == ["kwanliso"] and camps["violations"] == ["torture"]
    assert camps["why"]["names"]["kwanliso"] == "label '관리소'"
    (ingested / "data" / "entities" / "more.yaml").write_text(
        "organizations:\n  - {id: who, label: World Health Organization, alt: [WHO], type: un-agency}\n",
        encoding="utf-8",
    )
    lexicon = Lexicon.load(ingested)
    found = {(m.term.id, m.term.name) for m in lexicon.find("조선민주주의인민공화국에서 온 사람들")}
    assert ("north-korea", "조선민주주의인민공화국") in found  # Hangul, with a particle attached
    assert {m.term.id for m in lexicon.find("The WHO said so.")} == {"who"}
    assert {m.term.id for m in lexicon.find("people who fled")} == set()  # an acronym as written
    assert {m.term.id for m in lexicon.find("He was sent to the kyohwaso.")} == {"kyohwaso"}
    assert {m.term.id for m in lexicon.find("public executions")} == {"execution"}  # plural


def test_hedges_give_the_certainty(ingested: Path) -> None:
    items = candidates(ingested)
    assert by_quote(items, "In August")["certainty"] == "reportedly"
    assert by_quote(items, "관리소")["certainty"] == "alleged"
    ilo = by_quote(items, "According to")
    assert ilo["certainty"] == "attributed" and ilo["according_to"] == ["ilo"]
    assert by_quote(items, "most repressive")["certainty"] == "stated"
    assert by_quote(items, "most repressive")["kind"] == "assessment"
