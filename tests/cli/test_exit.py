"""The ``icx`` console script ends its process at once (``icx.cli.app.exit_now``): exit status,
output and the exit handlers must come out as a normal exit would give them."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _icx(*args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    script = f"{before}\nimport sys\nfrom icx.cli.app import main\nsys.argv = ['icx', *sys.argv[1:]]\nmain()"
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)


def test_version_is_printed_and_status_is_zero() -> None:
    run = _icx("--version")
    assert run.returncode == 0
    assert run.stdout.startswith("icx ")


def test_a_usage_error_keeps_click_status_and_message() -> None:
    run = _icx("no-such-command")
    assert run.returncode == 2
    assert "no-such-command" in run.stderr


def test_exit_handlers_run_and_piped_output_is_complete() -> None:
    # An exit handler registered before the command still runs, after the command's output.
    run = _icx("--help", before="import atexit; atexit.register(lambda: print('handler ran'))")
    assert run.returncode == 0
    assert "consolidate" in run.stdout
    assert run.stdout.rstrip().endswith("handler ran")


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3)])
def test_exit_status_follows_sys_exit(code: object, status: int) -> None:
    from icx.cli.app import _exit_status

    assert _exit_status(code) == status


def test_exit_status_prints_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    from icx.cli.app import _exit_status

    assert _exit_status("stopped") == 1
    assert capsys.readouterr().err == "stopped\n"
