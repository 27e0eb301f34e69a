"""What icx writes is always writable: no control characters, file names within the file
system's 255 bytes and free of bidi overrides, page headers within Excel's 255 characters."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.consolidate.feedback import safe_name
from icx.io.safety import page_header_title, writable_text
from tests.robustness import hostile

CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def _texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    out = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    out += [ws.oddHeader.center.text or "" for ws in wb.worksheets]
    return out


def test_control_characters_and_long_names_reach_no_output(tmp_path: Path) -> None:
    files = hostile.build(tmp_path / "in")
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("control_chars", "long_name"):
        files[name].rename(folder / files[name].name)
    summary, feedback = tmp_path / "s.xlsx", tmp_path / "fb"
    result = CliRunner().invoke(build_app(), ["consolidate", str(folder), "-o", str(summary), "-f", str(feedback)])
    assert result.exit_code in (0, 1), result.output
    written = sorted(feedback.iterdir())
    assert len(written) == 2  # both units got their feedback
    for path in [summary, *written]:
        assert len(path.name.encode()) <= 255 and "\u202e" not in path.name
        for text in _texts(path):
            assert not CONTROL & set(text), (path.name, repr(text))
    headers = [ws.oddHeader.center.text or "" for path in written for ws in openpyxl.load_workbook(path).worksheets]
    assert all(len(h) <= 255 for h in headers)
    scored = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(build_app(), ["score", str(folder / "control_chars.xlsx"), "-o", str(scored)])
    assert result.exit_code in (0, 1), result.output
    assert any("含控制字符的描述" == t for t in _texts(scored))


def test_helpers() -> None:
    assert writable_text("a\x01b\x1fc\td") == "abc\td"
    assert safe_name("\u202eFB001\x07") == "FB001"
    assert len(safe_name("某" * 200).encode()) <= 90
    long = page_header_title("单位&" * 200)
    assert len(long) <= 215 and long.endswith("…") and not long[:-1].endswith("&&&")
