"""The demo (``icx demo --units 6``) built once for the print tests, and its committee workbook,
one feedback workbook and one scored register printed by LibreOffice (read back word by word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.io import libreoffice
from tests.print.pdf_pages import Page, pages


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack") / "demo"
    result = CliRunner().invoke(app, ["demo", str(folder), "--units", "6"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="session")
def pdfs(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    sources = {
        "committee": demo / "committee.xlsx",
        "feedback": sorted((demo / "feedback").glob("*.xlsx"))[0],
        "scored": sorted((demo / "scored").glob("*.xlsx"))[0],
    }
    staged = tmp_path_factory.mktemp("pack-in")
    copies = []
    for name, source in sources.items():  # unique stems: soffice names each PDF after its source
        copy = staged / f"{name}.xlsx"
        copy.write_bytes(source.read_bytes())
        copies.append(copy)
    out = libreoffice.to_pdf(copies, tmp_path_factory.mktemp("pack-out"))
    return {Path(pdf).stem: pages(Path(pdf)) for pdf in out}
