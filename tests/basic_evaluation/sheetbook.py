"""Filled 基础性评价 sheets for the LibreOffice agreement test: every kind of answer, every band edge."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from icx.core.basic_evaluation.derive import Derived
from icx.core.basic_evaluation.system import default_system
from icx.io.safety import put_value
from icx.templates import Built, Sizes, build, save_template

SMALL = Sizes(register_rows=3, control_rows=2, duty_rule_rows=2, duty_rows=2, evaluation_rows=2, transaction_rows=2)
CHECK_ANSWERS = ["是", "否", "不适用", None, "√", "Yes", "n/a", "也许", " 是 ", "NO", "不符合", "×"]
DERIVED = [None, None, "是", "否", "不适用"]
RATES_72 = [0.05, 0.050000001, -0.05, 0.1, 0.100000001, "5%", "10.0%", 105 / 100 - 1, "很低", "不适用", None, 0.0]
RATES_113 = [-0.2, 0.05, 0.0500001, 0.1, 0.1000001, "12%", "不适用", None, 0, 1.5, "n/a", 0.07]


@dataclass
class SheetCase:
    name: str
    lang: str
    built: Built
    source: Path
    recalculated: Path | None = None


def _put(built: Built, cid: str, key: str, value) -> None:
    layout = built.basic_evaluation
    ws = built.wb[built.sheets["basic_evaluation"]]
    put_value(ws[f"{layout.table.letters[key]}{layout.rows[cid]}"], value)


def make_sheet_cases(folder: Path, count: int = len(RATES_72)) -> list[SheetCase]:
    """``count`` workbooks with random answers and derived values, one pair of band edges each,
    alternating Chinese and English templates."""
    system = default_system()
    cases = []
    for n in range(count):
        lang = "en" if n % 3 == 2 else "zh"
        built = build("unit", lang, sizes=SMALL)  # type: ignore[arg-type]
        rng = random.Random(n)
        for c in system.criteria:
            if c.banded:
                rates = RATES_72 if c.id == "7.2.1" else RATES_113
                _put(built, c.id, "answer", rates[n % len(rates)])
                continue
            _put(built, c.id, "answer", rng.choice(CHECK_ANSWERS))
            if c.derive is not None:
                _put(built, c.id, "derived", rng.choice(DERIVED))
            if rng.random() < 0.3:
                _put(built, c.id, "override_reason", "理由")
            if rng.random() < 0.5:
                _put(built, c.id, "document", "文件")
        cases.append(SheetCase(f"sheet-{n}", lang, built, save_template(built, folder / f"be-sheet-{n}.xlsx")))
    return cases


def stored_derived(stored: dict) -> dict[str, Derived]:
    """The icx-derived column as the sheet holds it, as the core's Derived answers."""
    answers = default_system().answers
    out = {}
    for cid, value in stored.items():
        code = answers.code(str(value).strip()) if value not in (None, "") else None
        out[cid] = Derived(code, "", "")
    return out
