"""Render the committee briefing (概览) of the demo to a PNG for the README.

    .venv/bin/python scripts/briefing_picture.py                  # builds the demo in a temp dir
    .venv/bin/python scripts/briefing_picture.py --demo ./icx-demo --out docs/briefing.png

Builds the demo (``icx demo``) unless ``--demo`` names a folder it was built in, prints the
meeting pages of its committee workbook with LibreOffice (``icx.consolidate.pack``) and turns
the first page — the briefing — into a PNG with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DPI = 80  # a landscape A4 page 935 pixels wide: readable on GitHub without zooming


def build_demo(folder: Path) -> None:
    from typer.testing import CliRunner

    from icx.cli.app import app

    result = CliRunner().invoke(app, ["demo", str(folder)])
    if result.exit_code != 0:
        raise SystemExit(f"icx demo failed:\n{result.output}")


def briefing_png(committee: Path, out: Path, dpi: int = DPI) -> Path:
    from icx.consolidate.pack import summary_pdf

    with tempfile.TemporaryDirectory(prefix="icx-briefing-") as tmp:
        pdf = summary_pdf(committee, Path(tmp) / "meeting.pdf")
        stem = Path(tmp) / "briefing"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            timeout=120,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="a folder icx demo was built in (default: build one)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "briefing.png")
    parser.add_argument("--dpi", type=int, default=DPI)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="icx-demo-") as tmp:
        folder = args.demo
        if folder is None:
            folder = Path(tmp) / "demo"
            build_demo(folder)
        print(briefing_png(folder / "committee.xlsx", args.out, args.dpi))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
