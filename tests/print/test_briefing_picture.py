"""``scripts/briefing_picture.py`` (the README's picture of the briefing) run as a user runs it."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "briefing_picture.py"


def test_script_renders_the_briefing_page(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pictures" / "briefing.png"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--demo", str(demo), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert abs(width - 841.89 * 80 / 72) < 2 and abs(height - 595.3 * 80 / 72) < 2  # one A4 landscape page, 80 dpi
    assert str(out) in done.stdout
