"""The register reader's records after the speed-ups: blanks stay blank, problems keep their cells."""

from __future__ import annotations

from icx.io.grid import Grid
from icx.io.register import read_register

HEADER = [
    "风险编号",
    "业务领域",
    "风险描述",
    "评估人1可能性",
    "评估人2可能性",
    "评估人1影响程度",
    "评估人2影响程度",
    "责任人",
]


def test_blank_text_is_empty_not_nan_and_bad_cells_are_located() -> None:
    grid = Grid(
        "风险清单",
        [
            HEADER,
            ["R-1", "预算", "预算编制不准确", 4, "较高", 3, 5, None],
            ["R-2", "收支", "支出未经审批", "很高吧", 2, 2, "x", "张三"],
            ["R-3", "采购", "化整为零规避采购", 5, None, 4, None, "李四"],
        ],
    )
    result = read_register(grid)
    risks = result.register.by_id()
    assert risks["R-1"].owner == "" and risks["R-3"].owner == "李四"
    assert risks["R-1"].likelihood == 4.0 and risks["R-1"].impact == 4.0
    assert [a.assessor for a in risks["R-3"].assessments] == ["1"]
    assert "R-2" not in risks
    assert [(p.code, p.cell) for p in result.errors] == [("likelihood_invalid", "D3"), ("impact_invalid", "G3")]
