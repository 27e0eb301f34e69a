"""The one catalogue of user-facing text (Chinese first, English option).

Text lives in TOML files under ``icx/data/catalogue/``, one file per part of icx, merged here.
Identifiers stay English; what a user reads comes from here.
"""

from __future__ import annotations

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


def text(key: str, lang: Lang = "zh", /, **values: Any) -> str:
    """A message in one language, e.g. ``text("likelihood_invalid", "en", given="x")``."""
    return _entry("messages", key)[lang].format(**values)


def both(key: str, /, **values: Any) -> tuple[str, str]:
    """The (zh, en) pair of a message."""
    entry = _entry("messages", key)
    return entry["zh"].format(**values), entry["en"].format(**values)


def label(key: str, lang: Lang = "zh") -> str:
    """A short label (column header, sheet name, button) in one language."""
    return _entry("labels", key)[lang]


def section(name: str) -> dict[str, Any]:
    """A whole section of the catalogue (e.g. the column specs of a sheet)."""
    return catalogue().get(name, {})
