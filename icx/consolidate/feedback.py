"""Per-unit feedback workbooks: each unit's own risks, conflicts, deficiencies, score
differences and file problems, with its position against the all-unit figures.

One file per unit in the feedback folder, named ``<unit code>-<unit name>-反馈.xlsx`` (the name
cleaned for every file system), ready for ``icx`` email to send back. Files that could not be
read carry no unit code and get no feedback file; the summary's 问题清单 lists them.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

from icx import i18n
from icx.consolidate.model import Consolidation, positions
from icx.consolidate.records import UnitResult
from icx.consolidate.summary import _Summary, figure_label, label
from icx.consolidate.xlsx import Column, new_workbook, put, table
from icx.io.safety import atomic_output

FEEDBACK_SUFFIX = "反馈"
MAX_NAME = 80
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str) -> str:
    """A file-name part that Windows, macOS and Linux all accept (Chinese kept)."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)[:MAX_NAME].strip(" .")
    if cleaned.upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned or "_"


def feedback_name(unit: UnitResult) -> str:
    parts = [safe_name(unit.unit_code)]
    if unit.unit_name:
        parts.append(safe_name(unit.unit_name))
    return "-".join(parts + [FEEDBACK_SUFFIX]) + ".xlsx"


def feedback_paths(c: Consolidation, folder: str | Path) -> list[tuple[UnitResult, Path]]:
    """Where each unit's feedback goes; a second file with the same code gets '-2', '-3'…"""
    folder = Path(folder)
    taken: dict[str, int] = {}
    out = []
    for unit in c.units:
        if not (unit.readable and unit.unit_code):
            continue
        name = feedback_name(unit)
        taken[name] = taken.get(name, 0) + 1
        if taken[name] > 1:
            name = name.removesuffix(".xlsx") + f"-{taken[name]}.xlsx"
        out.append((unit, folder / name))
    return out


def write_feedback(c: Consolidation, folder: str | Path, lang: i18n.Lang = "zh") -> list[Path]:
    """One feedback workbook per readable unit with a code; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for unit, path in feedback_paths(c, folder):
        written.append(write_unit_feedback(c, unit, path, lang))
    return written


def unit_view(c: Consolidation, unit: UnitResult) -> Consolidation:
    """The consolidation seen from one unit: its own rows, the batch's figures."""
    return dataclasses.replace(c, units=[unit], ranked=[x for x in c.ranked if x.unit is unit], input_problems=[],
                               duplicates={}, missing=[])


def write_unit_feedback(c: Consolidation, unit: UnitResult, target: str | Path, lang: i18n.Lang = "zh") -> Path:
    target = Path(target)
    title = f"{label('feedback_title', lang)} {c.period or ''} — {unit.unit_code} {unit.unit_name}".strip()
    with atomic_output(target) as tmp:
        wb = new_workbook(tmp)
        writer = _Summary(wb, unit_view(c, unit), lang, title=title)
        _position_sheet(writer, c, unit)
        writer.ranking("feedback_risks")
        writer.conflicts()
        writer.deficiencies()
        writer.findings()
        writer.problems()
        wb.close()
    return target


def _position_sheet(w: _Summary, c: Consolidation, unit: UnitResult) -> None:
    s, lang = w.s, w.lang
    ws = w.add("overview")
    ws.write_string(0, 0, w.title, s.title)
    facts = [(label("period", lang), c.period or "", s.text), (label("as_of", lang), c.as_of, s.date),
             (label("file", lang), unit.file, s.text), (label("sha256", lang), unit.sha256, s.text)]
    for r, (name, value, fmt) in enumerate(facts, start=1):
        ws.write_string(r, 0, name, s.label)
        put(ws, r, 1, value, fmt)
    ws.write_string(len(facts) + 2, 0, label("position", lang), s.label)
    cols = [Column(label("figure", lang), 30), Column(label("this_unit", lang), 12),
            Column(label("all_units", lang), 14), Column(label("unit_average", lang), 12),
            Column(label("unit_position", lang), 18)]
    template = i18n.label("consolidate_position_of", lang)
    rows = []
    for p in positions(c, unit):
        rank = template.format(rank=p.rank, count=p.count) if p.rank is not None else ""
        rows.append([figure_label(p.metric, lang), p.unit, p.total, p.average, rank])
    _, last = table(ws, s, len(facts) + 3, cols, rows)
    ws.merge_range(last + 2, 0, last + 2, 4, label("position_note", lang), s.note)
    ws.set_row(last + 2, 30)
    ws.activate()
