"""The ``icx`` console script: exit status and output as a user sees them."""

from __future__ import annotations

import subprocess
import sys


def _icx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "icx.cli.app", *args], capture_output=True, text=True, timeout=120)


def test_version_is_printed_and_status_is_zero() -> None:
    run = _icx("--version")
    assert run.returncode == 0
    assert run.stdout.startswith("icx ")


def test_a_usage_error_keeps_click_status_and_message() -> None:
    run = _icx("no-such-command")
    assert run.returncode == 2
    assert "no-such-command" in run.stderr


def test_help_lists_the_commands() -> None:
    run = _icx("--help")
    assert run.returncode == 0
    assert "consolidate" in run.stdout
