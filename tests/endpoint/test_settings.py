"""The one table of settings: documented, typed, and the same for the app, the server and env."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dprk_ld.testing.store_option import close_app, create_app
from dprk_ld.web import settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting: settings.Setting) -> None:
    text = README.read_text(encoding="utf-8")
    assert f"`{setting.option}`" in text, f"README does not document {setting.option}"
    assert f"`{setting.env}`" in text, f"README does not document {setting.env}"


def test_command_line_beats_environment_beats_default() -> None:
    parser = argparse.ArgumentParser()
    settings.add_arguments(parser)
    args = parser.parse_args(["--max-rows", "7"])
    values = settings.from_arguments(args, {"DPRK_LD_MAX_ROWS": "9", "DPRK_LD_QUERY_TIMEOUT": "2.5"})
    assert values["MAX_ROWS"] == 7
    assert values["QUERY_TIMEOUT"] == 2.5
    assert values["MAX_DEPTH"] == settings.BY_NAME["MAX_DEPTH"].default


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="DPRK_LD_MAX_ROWS"):
        settings.from_env({"DPRK_LD_MAX_ROWS": "many"})
    with pytest.raises(ValueError, match="INLINE_LOOKUPS"):
        settings.resolve({"INLINE_LOOKUPS": "perhaps"})


def test_environment_round_trip() -> None:
    values = {"MAX_ROWS": 12, "INLINE_LOOKUPS": False, "QUERY_TIMEOUT": 1.5, "DIST": None}
    assert settings.from_env(settings.to_env(values)) == {
        "MAX_ROWS": 12, "INLINE_LOOKUPS": False, "QUERY_TIMEOUT": 1.5}


def test_the_app_takes_its_limits_and_cache_size_from_the_settings(fixture_dist: Path) -> None:
    app = create_app({"DIST": fixture_dist, "QUERY_WORKERS": 1, "MAX_ROWS": 3, "MAX_DEPTH": 5,
                      "CACHE_MAX_BYTES": 12345, "MAX_PARAMS": 4})
    try:
        svc = app.extensions["dprk_ld"]
        assert (svc.limits.max_rows, svc.limits.max_depth, svc.limits.max_params) == (3, 5, 4)
        assert svc.cache.max_bytes == 12345
        resp = app.test_client().get("/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D")
        assert resp.headers["X-SPARQL-Max-Rows"] == "3"
        assert resp.headers["X-SPARQL-Truncated"] == "true"
    finally:
        close_app(app)
