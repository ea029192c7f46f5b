"""Completeness: every sentence of every source's body is covered by at least one evidence quote."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dprk_ld.curation.coverage import sentences, uncovered
from dprk_ld.curation.load import load_project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_project(REPO)


@pytest.mark.parametrize(
    "source", ["hrw-wr-2019", "hrw-wr-2021", "hrw-wr-2023", "hrw-wr-2025", "gcr2p-dprk-2025"]
)
def test_every_sentence_is_quoted(project, source: str) -> None:  # type: ignore[no-untyped-def]
    missing = uncovered(project, source)
    assert not missing, [s.text[:100] for s in missing]


def test_sentences_split_glued_text(mini: Path) -> None:
    p = load_project(mini)
    src = p.sources["mini"]
    texts = [s.text for s in sentences(src)]
    assert texts[0].startswith("The Democratic People’s Republic of Korea (North Korea) is one of")
    assert "All media is strictly controlled." in texts
    assert not any(t in ("Forced Labor", "Freedom of Expression and Information") for t in texts)
    assert all(src.text[s.start : s.end] == s.text for s in sentences(src))


def test_a_missing_finding_shows_as_uncovered(project) -> None:  # type: ignore[no-untyped-def]
    trial = next(f for f in project.findings if f.key == "hrw-wr-2025/hoeryong-public-trial-sentences")
    others = [f for f in project.findings if f is not trial]
    missing = uncovered(replace(project, findings=others), "hrw-wr-2025")
    assert any("public trial in Hoeryong" in s.text for s in missing)
