"""`pip install .` gives a working `icx` (data files included), exactly as the README says.

Builds the wheel, installs it (without dependencies: they are the test venv's) into a fresh
folder, and runs `icx demo` from there in a subprocess, so a missing package-data file fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_demo_runs(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("icx-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "icx/data/methodology.toml" in names
    assert "icx/data/catalogue/core.toml" in names
    assert "icx/data/catalogue/sheets.toml" in names

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    demo_dir = tmp_path / "demo"
    run = subprocess.run(
        [sys.executable, "-c", "from icx.cli.app import main; main()", "demo", str(demo_dir)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import icx, sys; print(icx.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip().startswith(str(site))  # the installed copy ran, not the checkout
    assert len(list((demo_dir / "units").glob("*.xlsx"))) >= 6
