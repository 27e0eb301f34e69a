"""Assemble the templates from the sheet modules and save them byte-stably.

Kinds: ``unit`` (the full unit workbook), and the standalone ``register``, ``controls`` and
``checklist`` templates, all from the same sheet writers. ``build`` returns the workbook and
where each table sits, so the demo (and tests) can fill it; ``write_templates`` saves them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from icx import i18n
from icx.core.basic_evaluation.system import IndicatorSystem
from icx.core.evaluation import checklist_rows
from icx.core.methodology import Methodology, default_methodology
from icx.io.safety import atomic_output
from icx.io.shared_formulas import shared
from icx.io.sheet_print import print_legibly
from icx.templates import layout
from icx.templates.basic_evaluation import BasicEvaluationLayout, write_basic_evaluation
from icx.templates.controls import write_control_matrix
from icx.templates.duties import write_duties
from icx.templates.evaluation import write_evaluation
from icx.templates.layout import Book, TablePlacement
from icx.templates.oversight import add_approval_columns, add_tenure_columns, write_posts_sheet
from icx.templates.readme import write_readme
from icx.templates.register import write_register
from icx.templates.settings import write_settings
from icx.templates.transactions import write_transactions
from icx.templates.unit_info import write_unit_info

Kind = Literal["unit", "register", "controls", "checklist"]
KINDS: tuple[Kind, ...] = ("unit", "register", "controls", "checklist")
FILE_NAMES = {
    ("unit", "zh"): "单位工作簿.xlsx",
    ("unit", "en"): "unit-workbook.en.xlsx",
    ("register", "zh"): "风险清单.xlsx",
    ("register", "en"): "risk-register.en.xlsx",
    ("controls", "zh"): "风险控制矩阵.xlsx",
    ("controls", "en"): "control-matrix.en.xlsx",
    ("checklist", "zh"): "自我评价表.xlsx",
    ("checklist", "en"): "checklist.en.xlsx",
}
SPARE_CHECKLIST_ROWS = 40  # blank rows below the seeded checklist for the unit's own items
# A fixed document date keeps the saved files byte-stable (the committed templates must equal a rebuild).
STAMP = dt.datetime(2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Sizes:
    """How many prepared (formatted, formula-carrying) rows each table gets."""

    assessors: int = 5
    register_rows: int = 500
    control_rows: int = 100
    duty_rule_rows: int = 30
    duty_rows: int = 200
    evaluation_rows: int = 150
    transaction_rows: int = 300
    post_rows: int = 100


@dataclass
class Built:
    """A built template: the workbook and where each table is ('register', 'controls:budget', …)."""

    book: Book
    kind: Kind
    placements: dict[str, TablePlacement] = field(default_factory=dict)
    unit_cells: dict[str, str] = field(default_factory=dict)  # unit_info key → 'B3'
    sheets: dict[str, str] = field(default_factory=dict)  # same keys → sheet title
    basic_evaluation: BasicEvaluationLayout | None = None  # the 基础性评价 sheet's rows and totals

    @property
    def wb(self):
        return self.book.wb


def build(
    kind: Kind = "unit",
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
    sizes: Sizes = Sizes(),
    checklist: Sequence[dict[str, Any]] | None = None,
    system: IndicatorSystem | None = None,
) -> Built:
    """Build one template in memory.

    The 自我评价 sheet is seeded with ``checklist`` (rows keyed by the evaluation column keys),
    by default the built-in checklist (``icx/data/checklist.toml``) with blank results.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}; one of {', '.join(KINDS)}")
    book = layout.new_book(lang, methodology or default_methodology())
    built = Built(book, kind)

    def place(key: str, ws, placement: TablePlacement) -> None:
        built.placements[key] = placement
        built.sheets[key] = ws.title

    write_readme(book)
    if kind in ("unit", "register", "checklist"):
        ws, built.unit_cells = write_unit_info(book)
        built.sheets["unit_info"] = ws.title
    if kind in ("unit", "register"):
        place("register", *write_register(book, assessors=sizes.assessors, rows=sizes.register_rows))
    if kind in ("unit", "controls"):
        for area in book.methodology.areas:
            place(
                f"controls:{area.code}",
                *write_control_matrix(book, area, rows=sizes.control_rows, with_register=kind == "unit"),
            )
    if kind == "unit":
        ws, tables = write_duties(book, rule_rows=sizes.duty_rule_rows, rows=sizes.duty_rows)
        for key, placement in tables.items():
            place(key, ws, placement)
        place("tenure", ws, add_tenure_columns(book, ws, tables["person_posts"]))
        ws, tables = write_posts_sheet(book, rows=sizes.post_rows)
        for key, placement in tables.items():
            place(key, ws, placement)
    if kind in ("unit", "checklist"):
        items = list(checklist_rows(lang=lang, methodology=book.methodology) if checklist is None else checklist)
        rows = max(sizes.evaluation_rows, len(items) + SPARE_CHECKLIST_ROWS)
        place("evaluation", *write_evaluation(book, rows=rows, items=items))
    if kind == "unit":
        ws, placement, built.basic_evaluation = write_basic_evaluation(book, system)
        place("basic_evaluation", ws, placement)
        ws, placement = write_transactions(book, rows=sizes.transaction_rows)
        place("transaction_log", ws, placement)
        place("approval_limits", ws, add_approval_columns(book, ws, placement))
    write_settings(book)
    for ws in book.wb.worksheets:  # once every width is set: how each sheet prints legibly
        print_legibly(ws)
    book.wb.active = 1 if len(book.wb.sheetnames) > 1 else 0
    _properties(book)
    return built


def _properties(book: Book) -> None:
    props = book.wb.properties
    props.creator = "icx"
    props.lastModifiedBy = "icx"
    props.title = book.label("tpl_title_readme")
    props.created = STAMP
    props.modified = STAMP


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes(built_or_wb) -> bytes:
    """The .xlsx bytes with fixed dates: the same template always gives the same bytes."""
    wb = built_or_wb.wb if isinstance(built_or_wb, Built) else built_or_wb
    raw = io.BytesIO()
    with shared(wb):
        wb.save(raw)
    out = io.BytesIO()
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def save_template(built_or_wb, target: str | Path) -> Path:
    """Save atomically with fixed dates (byte-stable)."""
    target = Path(target)
    data = workbook_bytes(built_or_wb)
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)
    return target


def write_templates(
    outdir: str | Path,
    langs: tuple[i18n.Lang, ...] = ("zh", "en"),
    kinds: tuple[Kind, ...] = KINDS,
    methodology: Methodology | None = None,
    system: IndicatorSystem | None = None,
) -> list[Path]:
    """Build and save every template kind in every language into ``outdir``."""
    outdir = Path(outdir)
    written = []
    for lang in langs:
        for kind in kinds:
            built = build(kind, lang, methodology, system=system)
            written.append(save_template(built, outdir / FILE_NAMES[(kind, lang)]))
    return written
