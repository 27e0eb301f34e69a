"""The TOML data files shipped in ``icx/data``, parsed once per version of each file.

``tomllib`` is pure Python: the catalogue, the duty rules and the checklist (about 200 KB) take
some 30 ms to parse, paid by every command at start-up and again by each consolidation worker.
So the parsed data is also kept as JSON (quick to load, and inert: loading it runs nothing) in
the user's cache folder, named by a hash of the file's bytes: an edited or upgraded data file
gets a new entry, and a stale one is never read. Without a usable cache folder (read-only home,
``ICX_CACHE_DIR=off``) everything works the same, only the parse is paid each time.

The TOML files stay the one source of truth; the cache is a copy that can be deleted any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

CACHE_ENV = "ICX_CACHE_DIR"  # a folder, or "off"
DIGEST_CHARS = 24


def cache_dir() -> Path | None:
    """Where parsed data files are kept: ``$ICX_CACHE_DIR``, else the platform's user cache
    folder; None when caching is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "icx" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "icx"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "icx"


def data_file(relative: str) -> bytes:
    """The bytes of ``icx/data/<relative>``."""
    return (resources.files("icx") / "data" / relative).read_bytes()


def read_toml(relative: str) -> dict[str, Any]:
    """``icx/data/<relative>`` parsed: from the cache when this exact file was parsed before."""
    raw = data_file(relative)
    folder = cache_dir()
    entry = None
    if folder is not None:
        stem = relative.replace("/", "-").removesuffix(".toml")
        entry = folder / f"{stem}-{hashlib.sha256(raw).hexdigest()[:DIGEST_CHARS]}.json"
        try:
            cached = json.loads(entry.read_bytes())
            if isinstance(cached, dict):
                return cached
        except (OSError, ValueError):
            pass  # not cached yet, or a damaged entry: parse and write it again
    data = tomllib.loads(raw.decode("utf-8"))
    if entry is not None:
        _store(entry, data)
    return data


def _store(entry: Path, data: dict[str, Any]) -> None:
    """Keep ``data`` at ``entry`` when JSON holds it exactly (TOML dates do not round-trip);
    written to a temp file and renamed, so a reader never sees half an entry. Entries of the
    file's earlier versions are removed."""
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, entry)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        same_file = re.compile(rf"{re.escape(entry.name.rsplit('-', 1)[0])}-[0-9a-f]{{{DIGEST_CHARS}}}\.json")
        for old in entry.parent.iterdir():
            if old != entry and same_file.fullmatch(old.name):
                old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass  # no cache then; the data was parsed all the same
