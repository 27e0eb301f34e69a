"""Shared test helpers."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

# Property tests assert values, never time: no per-example deadline (hypothesis' default 200 ms
# fails a correct example on a 2-core machine shared with LibreOffice and other jobs).
settings.register_profile("icx", deadline=None)
settings.load_profile("icx")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # LibreOffice tests skip locally when soffice is missing, never in CI (CI installs it).
    if shutil.which("soffice") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) not installed; CI installs it")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)
