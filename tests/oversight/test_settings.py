"""参数设置 表7/表8: written by the template, read back into the methodology, bad cells named."""

from __future__ import annotations

import datetime as dt

import pytest

from icx.core.methodology import default_methodology
from icx.io.grid import load_grid
from icx.io.settings_sheet import read_settings_from
from icx.templates import build, save_template


def _cell(built, name):
    sheet, ref = next(iter(built.wb.defined_names[name].destinations))
    return built.wb[sheet][ref.replace("$", "")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_reads_back_as_the_default(tmp_path, lang) -> None:
    path = save_template(build("unit", lang), tmp_path / "u.xlsx")
    settings = read_settings_from(load_grid(path))
    assert settings.problems == [] and not settings.differs and settings.as_of is None
    assert settings.methodology.rotation == default_methodology().rotation


def test_changed_parameters_and_kinds_are_read(tmp_path) -> None:
    built = build("unit", "zh")
    _cell(built, "icx_as_of").value = dt.date(2026, 6, 30)
    _cell(built, "icx_rotation_years").value = 4
    _cell(built, "icx_split_window_days").value = 45
    _cell(built, "icx_split_min_share").value = 0.5
    ws = built.wb[_cell(built, "icx_as_of").parent.title]
    kinds = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "cashier")
    ws.cell(kinds, 3).value = 2
    ws.cell(kinds + 3, 1).value, ws.cell(kinds + 3, 3).value, ws.cell(kinds + 3, 5).value = "custody", 4, "保管、库管"
    settings = read_settings_from(load_grid(save_template(built, tmp_path / "u.xlsx")))
    assert settings.problems == [] and settings.differs and settings.as_of == dt.date(2026, 6, 30)
    m = settings.methodology
    assert (m.rotation.years, m.authority.split_window_days, m.authority.split_min_share) == (4, 45, 0.5)
    assert [(k.code, k.years, k.post_words) for k in m.rotation.kinds] == [
        ("cashier", 2, ("出纳",)),
        ("procurement", 3, ("采购", "招标")),
        ("custody", 4, ("保管", "库管")),
    ]


def test_bad_parameters_are_named_by_cell_and_the_default_kept(tmp_path) -> None:
    built = build("unit", "zh")
    _cell(built, "icx_as_of").value = "月底"
    _cell(built, "icx_rotation_years").value = 0
    _cell(built, "icx_split_window_days").value = 2.5
    _cell(built, "icx_split_min_share").value = "全部"
    settings = read_settings_from(load_grid(save_template(built, tmp_path / "u.xlsx")))
    codes = sorted((p.code, p.cell) for p in settings.problems)
    where = {
        name: _cell(built, f"icx_{name}").coordinate
        for name in ("as_of", "rotation_years", "split_window_days", "split_min_share")
    }
    assert codes == sorted(
        [
            ("oversight_date_invalid", where["as_of"]),
            ("rotation_years_invalid", where["rotation_years"]),
            ("settings_window_invalid", where["split_window_days"]),
            ("settings_share_invalid", where["split_min_share"]),
        ]
    )
    assert settings.methodology.rotation.years == 5 and settings.as_of is None
