"""The TOML data files shipped in ``icx/data``: the catalogue, the methodology, the duty rules,
the checklist. Read only; the callers keep what they build from them (``functools.cache``).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def data_file(relative: str) -> bytes:
    """The bytes of ``icx/data/<relative>``."""
    return (resources.files("icx") / "data" / relative).read_bytes()


def read_toml(relative: str) -> dict[str, Any]:
    """``icx/data/<relative>`` parsed (a new dict on every call: callers may change it)."""
    return tomllib.loads(data_file(relative).decode("utf-8"))
