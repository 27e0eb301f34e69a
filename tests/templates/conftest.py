"""One LibreOffice run for all the template tests: CPU is scarce and soffice start-up dominates.

The ``engine`` fixture (session-wide, only built when a LibreOffice test asks for it) writes the
agreement workbooks, a demo unit workbook and its scored copy, takes the committed templates,
and recalculates all of them with a single soffice call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io import libreoffice
from icx.templates import FILE_NAMES

from .agreement import Case, make_cases

COMMITTED = Path(__file__).resolve().parents[2] / "workbooks"


@dataclass
class Engine:
    cases: list[Case]
    demo: Path
    scored: Path
    templates: list[Path]
    recalculated: dict[Path, Path] = field(default_factory=dict)  # source → LibreOffice's copy

    def of(self, source: Path) -> Path:
        return self.recalculated[source.resolve()]


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("engine")
    cases = make_cases(folder)
    demo = write_unit_workbook(make_unit(0), folder / "demo-unit.xlsx")
    scored = folder / "demo-unit.scored.xlsx"
    result = CliRunner().invoke(app, ["score", str(demo), "-o", str(scored)])
    assert result.exit_code in (0, 1), result.output
    templates = [COMMITTED / name for name in FILE_NAMES.values()]
    sources = [c.source for c in cases] + [demo, scored] + templates
    # One soffice call for every file: the 180 s default is meant for one user's file, and this
    # batch (a dozen unit-sized workbooks) takes about that long on a busy 2-core machine.
    outputs = libreoffice.recalculate(sources, folder / "recalculated", timeout=60.0 * len(sources))
    engine = Engine(cases, demo, scored, templates, {s.resolve(): o for s, o in zip(sources, outputs)})
    for case in cases:
        case.recalculated = engine.of(case.source)
    return engine
