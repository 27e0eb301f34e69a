"""The one catalogue of user-facing text (Chinese first, English option).

Text lives in TOML files under ``icx/data/catalogue/``, one file per part of icx, merged here.
Identifiers stay English; what a user reads comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from icx.bundled import read_toml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def _merge(into: dict[str, Any], new: dict[str, Any], origin: str) -> None:
    for key, value in new.items():
        if key in into and isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, origin)
        elif key in into:
            raise ValueError(f"catalogue key {key!r} defined twice (again in {origin})")
        else:
            into[key] = value


@cache
def catalogue() -> dict[str, Any]:
    """All catalogue files merged into one nested dict."""
    merged: dict[str, Any] = {}
    folder = resources.files("icx") / "data" / "catalogue"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _merge(merged, read_toml(f"catalogue/{entry.name}"), entry.name)
    return merged


def _entry(section: str, key: str) -> dict[str, str]:
    node: Any = catalogue().get(section, {})
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no catalogue entry {section}.{key}")
        node = node[part]
    return node


@dataclass(frozen=True)
class Both:
    """A value that reads differently in each language (a column's meaning: 影响程度 · 评估人3 /
    impact · assessor 3), for a message parameter."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def of(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def _in(lang: Lang, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.of(lang) if isinstance(v, Both) else v for k, v in values.items()}


def text(key: str, lang: Lang = "zh", /, **values: Any) -> str:
    """A message in one language, e.g. ``text("likelihood_invalid", "en", given="x")``."""
    return _entry("messages", key)[lang].format(**_in(lang, values))


def both(key: str, /, **values: Any) -> tuple[str, str]:
    """The (zh, en) pair of a message."""
    entry = _entry("messages", key)
    return entry["zh"].format(**_in("zh", values)), entry["en"].format(**_in("en", values))


def fix(key: str, /, **values: Any) -> tuple[str, str]:
    """The (zh, en) "how to fix" of a problem message (``fix_zh`` / ``fix_en`` beside its text),
    or two empty strings when the message has none."""
    entry = _entry("messages", key)
    if "fix_zh" not in entry:
        return "", ""
    return entry["fix_zh"].format(**_in("zh", values)), entry["fix_en"].format(**_in("en", values))


def label(key: str, lang: Lang = "zh") -> str:
    """A short label (column header, sheet name, button) in one language."""
    return _entry("labels", key)[lang]


def section(name: str) -> dict[str, Any]:
    """A whole section of the catalogue (e.g. the column specs of a sheet)."""
    return catalogue().get(name, {})
