"""No traceback ever reaches a user: every `icx` command, run on every file of the hostile
collection (tests/robustness/hostile.py), ends with a clear message and a documented exit status
(0 clean, 1 findings, 2 could not run) — never with an unhandled exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from tests.robustness import hostile

runner = CliRunner()


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.build(tmp_path_factory.mktemp("hostile"))


NAMES = [
    "empty",
    "text",
    "truncated",
    "entity_bomb",
    "zip_bomb",
    "bad_crc",
    "size_lie",
    "flipped_byte",
    "encrypted",
    "no_sheets",
    "other_layout",
    "sheet1_register",
    "renamed_headers",
    "headers_only",
    "error_values",
    "merged_scores",
    "column_xfd",
    "control_chars",
    "long_name",
    "formula_text",
    "other_period",
    "duplicate",
    "no_code",
    "csv",
    "et",
    "lock",
    "icx_output",
    "xls",
    "ods",
]


def commands(path: Path, out: Path) -> dict[str, list[str]]:
    return {
        "score": ["score", str(path), "-o", str(out / "scored.xlsx")],
        "check conflicts": ["check", "conflicts", str(path), "-o", str(out / "conflicts.xlsx")],
        "check evaluation": ["check", "evaluation", str(path), "-o", str(out / "evaluation.xlsx")],
        "check all": ["check", "all", str(path), "-o", str(out / "all.xlsx")],  # rotation, authority, treatment too
        "check basic-evaluation": ["check", "basic-evaluation", str(path), "-o", str(out / "basic.xlsx")],
        "report annual": ["report", "annual", str(path), "-o", str(out / "annual.xlsx")],
        "consolidate": ["consolidate", str(path), "-o", str(out / "summary.xlsx"), "-f", str(out / "fb"), "-j", "1"],
        "email": ["email", "-s", str(path), "-r", str(path), "--dry-run", str(out / "drafts")],
        "remind": ["remind", "-s", str(path), "-r", str(path), "--dry-run", str(out / "reminders")],
    }


COMMANDS = list(commands(Path("x"), Path("y")))


def _assert_clean(result, what: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{what}: {type(result.exception).__name__}: {result.exception}\n{result.output}"
    )
    assert result.exit_code in (0, 1, 2), f"{what}: exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output, f"{what}:\n{result.output}"
    if result.exit_code == 2:
        assert result.output.strip(), f"{what}: exit 2 without a message"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", NAMES)
def test_every_command_on_every_hostile_file(collection, name: str, command: str, tmp_path: Path) -> None:
    if name not in collection:  # .xls/.ods: converted by LibreOffice, which CI always has
        pytest.skip("LibreOffice is not installed")
    args = commands(collection[name], tmp_path)[command]
    result = runner.invoke(build_app(), args)
    _assert_clean(result, f"icx {command} on {name}")


def test_consolidating_the_whole_collection(collection, tmp_path: Path) -> None:
    folder = collection["empty"].parent
    args = ["consolidate", str(folder), "-o", str(tmp_path / "s.xlsx"), "-f", str(tmp_path / "fb"), "-j", "1"]
    result = runner.invoke(build_app(), [*args, "--period", "2026"])
    _assert_clean(result, "icx consolidate on the folder")
    assert result.exit_code == 1
    # Two periods in the folder and no --period: never guess.
    result = runner.invoke(build_app(), args)
    _assert_clean(result, "icx consolidate on the folder, no --period")
    assert result.exit_code == 2 and "2025" in result.output and "--period" in result.output
