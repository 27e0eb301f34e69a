"""Bundled TOML data: parsed once per version of a file, the same data with or without the cache."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from icx import bundled

FILES = ["methodology.toml", "duty_rules.toml", "checklist.toml", "demo_risks.toml", "catalogue/sheets.toml"]


def _parsed(relative: str) -> dict:
    return tomllib.loads(bundled.data_file(relative).decode("utf-8"))


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(bundled.CACHE_ENV, str(folder))
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("parsed again although cached")

    monkeypatch.setattr(bundled.tomllib, "loads", refuse)


@pytest.mark.parametrize("relative", FILES)
def test_a_cached_file_reads_the_same_as_parsing_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch, relative: str
) -> None:
    expected = _parsed(relative)
    assert bundled.read_toml(relative) == expected  # parsed, then kept
    [entry] = cache.glob("*.json")
    assert json.loads(entry.read_text(encoding="utf-8")) == expected
    _no_parsing(monkeypatch)
    again = bundled.read_toml(relative)
    assert again == expected
    assert json.dumps(again, ensure_ascii=False, sort_keys=True) == json.dumps(
        expected, ensure_ascii=False, sort_keys=True
    )


def test_a_damaged_entry_is_parsed_again_and_replaced(cache: Path) -> None:
    bundled.read_toml("methodology.toml")
    [entry] = cache.glob("*.json")
    entry.write_text('{"half": ', encoding="utf-8")
    assert bundled.read_toml("methodology.toml") == _parsed("methodology.toml")
    assert json.loads(entry.read_text(encoding="utf-8")) == _parsed("methodology.toml")


def test_an_entry_of_another_version_is_never_read_and_is_cleared(cache: Path) -> None:
    cache.mkdir(parents=True)
    stale = cache / f"methodology-{'0' * bundled.DIGEST_CHARS}.json"
    stale.write_text('{"scale": "stale"}', encoding="utf-8")
    other = cache / f"checklist-{'0' * bundled.DIGEST_CHARS}.json"
    other.write_text("{}", encoding="utf-8")
    assert bundled.read_toml("methodology.toml") == _parsed("methodology.toml")
    assert not stale.exists()  # the file's earlier version is gone
    assert other.exists()  # another file's entry is left alone
    assert len(list(cache.glob("methodology-*.json"))) == 1


@pytest.mark.parametrize("setting", ["off", "OFF", "0", ""])
def test_with_the_cache_off_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(bundled.CACHE_ENV, setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert bundled.cache_dir() is None
    assert bundled.read_toml("duty_rules.toml") == _parsed("duty_rules.toml")
    assert not any(tmp_path.rglob("*.json"))


def test_an_unusable_cache_folder_still_gives_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(bundled.CACHE_ENV, str(blocker / "cache"))
    assert bundled.read_toml("checklist.toml") == _parsed("checklist.toml")


def test_the_default_folder_is_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bundled.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if bundled.sys.platform.startswith("linux"):
        assert bundled.cache_dir() == tmp_path / "xdg" / "icx"


def test_data_json_cannot_hold_exactly_is_not_kept(tmp_path: Path) -> None:
    entry = tmp_path / f"dated-{'a' * bundled.DIGEST_CHARS}.json"
    bundled._store(entry, {"when": dt.date(2026, 1, 1)})
    bundled._store(entry, {"x": float("nan")})
    assert not entry.exists()
    bundled._store(entry, {"x": 1.0, "n": 1, "t": ["风险", True]})
    assert json.loads(entry.read_text(encoding="utf-8")) == {"x": 1.0, "n": 1, "t": ["风险", True]}
    assert isinstance(json.loads(entry.read_text(encoding="utf-8"))["x"], float)
