"""The rotation and authority parameters of a 参数设置 sheet (written by ``icx.templates.oversight``).

Two small tables: parameters by code (检查基准日 ``as_of``, the default rotation period, the
split-payment window and share) and the kinds of key posts with their own periods. They become
changes to the methodology's ``rotation`` / ``authority`` sections (laid over the base by the
settings reader, like every other table of the sheet) and the sheet's as-of date. A bad cell is
reported where it sits and the base's value kept.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from icx.core.dates import as_date
from icx.core.methodology import Methodology
from icx.core.parsing import as_number, as_percent, is_blank
from icx.io.table import text_of

LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")
PARAMETERS = ("as_of", "rotation_years", "split_window_days", "split_min_share")


def _text(value: Any) -> str:
    return "" if is_blank(value) else text_of(value)


def _words(value: Any) -> list[str]:
    return [w.strip() for w in LIST_SEPARATORS.split(_text(value)) if w.strip()]


def _records(table: Any) -> list[tuple[int, dict[str, Any]]]:
    """The table's rows down to its first blank row (the tables are stacked on the sheet)."""
    out: list[tuple[int, dict[str, Any]]] = []
    expected = table.header_row + 2  # 1-based number of the first data row
    for r, row in table.rows.items():
        if r != expected:
            break
        out.append((r, row))
        expected += 1
    return out


def _block(table: Any, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [(r, *(row.get(k) for k in keys)) for r, row in _records(table)]


def oversight_changes(reader: Any) -> tuple[dict[str, Any], dt.date | None]:
    """(methodology changes, the sheet's as-of date) from a settings ``_Reader``."""
    base: Methodology = reader.base
    changes: dict[str, Any] = {}
    as_of = None
    table = reader.section("settings_oversight")
    if table is not None:
        rotation: dict[str, Any] = {}
        authority: dict[str, Any] = {}
        for r, code, value in _block(table, ("code", "value")):
            key = _text(code)
            cell = reader.cell(table, r, "value")
            if key not in PARAMETERS:
                if key:
                    reader.problem("settings_parameter_unknown", reader.cell(table, r, "code"), "warning", given=key)
                continue
            if is_blank(value):
                if key != "as_of":
                    reader.problem("settings_parameter_blank", cell, "warning", params={"code": key})
                continue
            if key == "as_of":
                as_of = as_date(value)
                if as_of is None:
                    reader.problem("oversight_date_invalid", cell, given=value)
            elif key == "rotation_years":
                number = as_number(value)
                if number is None or not 0 < number <= 50:
                    reader.problem("rotation_years_invalid", cell, given=value)
                else:
                    rotation["years"] = number
            elif key == "split_window_days":
                number = as_number(value)
                if number is None or not number.is_integer() or not 1 <= number <= 366:
                    reader.problem("settings_window_invalid", cell, given=value)
                else:
                    authority["split_window_days"] = int(number)
            else:
                share = as_number(value)
                share = as_percent(value) if share is None else share
                if share is None or not 0 <= share < 1:
                    reader.problem("settings_share_invalid", cell, given=value)
                else:
                    authority["split_min_share"] = share
        if rotation:
            changes["rotation"] = rotation
        if authority:
            changes["authority"] = authority
    kinds = _kinds(reader, base)
    if kinds is not None:
        changes.setdefault("rotation", {})["kinds"] = kinds
    return changes, as_of


def _kinds(reader: Any, base: Methodology) -> list[dict[str, Any]] | None:
    table = reader.section("settings_post_kinds")
    if table is None:
        return None
    known = {k.code: k for k in base.rotation.kinds}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r, row in table.rows.items():  # the last table of its block: spare rows may be filled in any order
        code = _text(row.get("code"))
        if not code:
            continue
        if code in seen:
            reader.problem("settings_kind_repeated", reader.cell(table, r, "code"), given=code)
            continue
        years = as_number(row.get("years"))
        if years is None or not 0 < years <= 50:
            reader.problem("rotation_years_invalid", reader.cell(table, r, "years"), given=row.get("years"))
            continue
        seen.add(code)
        name = _text(row.get("name_zh")) or code
        old = known.get(code)
        names = (old.name_zh, old.name_en) if old is not None and name in (old.name_zh, old.name_en) else (name, name)
        out.append(
            {
                "code": code,
                "name_zh": names[0],
                "name_en": names[1],
                "years": years,
                "duties": _words(row.get("duties")),
                "post_words": _words(row.get("post_words")),
            }
        )
    return out
