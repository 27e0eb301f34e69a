"""The committed templates in workbooks/ are exactly what `icx templates build` makes now."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.templates import FILE_NAMES

from .signature import differences, signature

COMMITTED = Path(__file__).resolve().parents[2] / "workbooks"
REBUILD = "run `icx templates build` (writes workbooks/) and commit the result"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rebuilt")
    result = CliRunner().invoke(app, ["templates", "build", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_every_template_is_committed(rebuilt: Path) -> None:
    assert sorted(p.name for p in rebuilt.iterdir()) == sorted(FILE_NAMES.values())
    missing = [name for name in FILE_NAMES.values() if not (COMMITTED / name).exists()]
    assert not missing, f"not in workbooks/: {missing}; {REBUILD}"


@pytest.mark.parametrize("name", sorted(FILE_NAMES.values()))
def test_committed_template_equals_a_rebuild(rebuilt: Path, name: str) -> None:
    committed, fresh = COMMITTED / name, rebuilt / name
    if committed.read_bytes() == fresh.read_bytes():
        return  # byte-stable build: identical files
    # Another openpyxl may serialise differently; what the workbook holds must still be equal.
    diff = differences(signature(committed), signature(fresh))
    assert not diff, f"{name} drifted from the code ({REBUILD}):\n" + "\n".join(diff)


def test_build_is_byte_stable(tmp_path: Path, rebuilt: Path) -> None:
    from icx.templates import build, workbook_bytes

    assert workbook_bytes(build("checklist", "zh")) == (rebuilt / FILE_NAMES[("checklist", "zh")]).read_bytes()


def test_the_comparison_sees_what_a_hand_edit_changes(tmp_path: Path, rebuilt: Path) -> None:
    import openpyxl

    name = FILE_NAMES[("checklist", "zh")]
    wb = openpyxl.load_workbook(rebuilt / name)
    ws = wb["自我评价"]
    ws["I4"] = "=G4*2"  # a formula changed by hand
    ws.data_validations.dataValidation[0].formula1 = '"是,否"'
    ws.column_dimensions["C"].width = 99
    wb.save(tmp_path / name)
    diff = "\n".join(differences(signature(rebuilt / name), signature(tmp_path / name)))
    assert "自我评价/cells/I4" in diff and "自我评价/validations" in diff and "自我评价/columns/C" in diff
