"""The methodology: defaults equal the spec; overrides work; broken ones are refused by field."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from icx.core import scoring, vectorized
from icx.core.errors import InvalidMethodology
from icx.core.methodology import Methodology, default_methodology, load_methodology, merge_over_defaults


def test_defaults_equal_the_spec() -> None:
    m = default_methodology()
    assert m.likelihood.probability_edges == (0.10, 0.30, 0.70, 0.90)
    assert m.impact.money_edges == (100, 2000, 10000, 1_000_000)
    assert [lv.name_zh for lv in m.likelihood.levels] == ["极低", "较低", "中等", "较高", "极高"]
    assert [c.scores for c in m.likelihood.coarse] == [(1, 2), (3,), (4, 5)]
    assert [c.name_zh for c in m.impact.coarse] == ["不重要", "次重要", "重大"]
    assert [r.name_zh for r in m.responses] == ["风险规避", "风险降低", "风险转移", "风险承受"]
    assert [a.short_zh for a in m.areas] == ["单位层面", "预算", "收支", "采购", "资产", "合同", "建设项目"]
    assert m.matrix.levels[4] == (2, 2, 1, 1, 1)
    assert m.matrix.levels[0] == (3, 3, 3, 3, 2)


def _data() -> dict:
    return copy.deepcopy(default_methodology().model_dump(mode="python"))


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        (lambda d: d["matrix"].update(levels=[[3] * 5] * 4), "matrix.levels", "5×5"),
        (
            lambda d: d["matrix"].update(levels=[[3, 3, 3, 3, 4]] + [list(r) for r in d["matrix"]["levels"][1:]]),
            "matrix.levels",
            "1, 2 or 3",
        ),
        (
            lambda d: d["matrix"].update(
                levels=[[3, 3, 3, 3, 2], [3, 3, 3, 3, 3]] + [list(r) for r in d["matrix"]["levels"][2:]]
            ),
            "matrix.levels",
            "higher likelihood",
        ),
        (
            lambda d: d["matrix"].update(levels=[[3, 3, 2, 3, 2]] + [list(r) for r in d["matrix"]["levels"][1:]]),
            "matrix.levels",
            "higher impact",
        ),
        (lambda d: d["impact"].update(money_edges=[100, 20000, 10000, 1_000_000]), "impact.money_edges", "increase"),
        (lambda d: d["impact"].update(money_edges=[-5, 2000, 10000, 1_000_000]), "impact.money_edges", "above 0"),
        (
            lambda d: d["likelihood"].update(probability_edges=[0.1, 0.3, 0.7, 1.2]),
            "likelihood.probability_edges",
            "(0.0, 1.0)",
        ),
        (
            lambda d: d["likelihood"].update(probability_edges=[0.1, 0.3, 0.7]),
            "likelihood.probability_edges",
            "4 edges",
        ),
    ],
)
def test_invalid_methodology_names_the_field(change, field: str, needle: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(InvalidMethodology) as caught:
        Methodology.from_mapping(data)
    problem = caught.value.problem
    assert problem.field == field
    assert needle in problem.message_en
    assert field in problem.message_zh


def test_ambiguous_wording_is_refused() -> None:
    data = _data()
    data["likelihood"]["levels"][0]["aliases"] = ("likely",)  # 'likely' already means 4
    with pytest.raises(InvalidMethodology) as caught:
        Methodology.from_mapping(data)
    assert "likely" in caught.value.problem.message_en


def test_override_file_changes_levels(tmp_path: Path) -> None:
    # A stricter unit: everything from likelihood band 3 and impact band 3 up is 一级.
    path = tmp_path / "strict.toml"
    path.write_text(
        """
name = "strict unit"
[matrix]
levels = [
  [3, 3, 3, 2, 2],
  [3, 3, 2, 2, 2],
  [3, 2, 1, 1, 1],
  [2, 2, 1, 1, 1],
  [2, 2, 1, 1, 1],
]
[impact]
money_edges = [50, 1000, 5000, 500000]
""",
        encoding="utf-8",
    )
    m = load_methodology(path)
    assert m.name == "strict unit"
    assert scoring.risk_level(3, 3) == 2  # default
    assert scoring.risk_level(3, 3, m) == 1
    assert scoring.risk_level(1, 4, m) == 2
    assert vectorized.risk_level([3, 2.5, 1], [3, 2.2, 4], m).tolist() == [1, 1, 2]
    assert scoring.impact_from_amount(600_000, m) == 5
    assert scoring.impact_from_amount(600_000) == 4
    # Parts the file leaves out keep the defaults.
    assert m.likelihood == default_methodology().likelihood


def test_export_round_trips(tmp_path: Path) -> None:
    m = default_methodology()
    path = tmp_path / "m.toml"
    path.write_text(m.to_toml(), encoding="utf-8")
    assert load_methodology(path) == m
    assert tomllib.loads(path.read_text(encoding="utf-8"))["matrix"]["levels"][4] == [2, 2, 1, 1, 1]


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[matrix\nlevels = 3", encoding="utf-8")
    with pytest.raises(InvalidMethodology) as caught:
        load_methodology(path)
    assert caught.value.problem.file == str(path)


def test_override_from_a_mapping_like_a_settings_sheet() -> None:
    m = default_methodology().override({"likelihood": {"probability_edges": [0.05, 0.2, 0.5, 0.8]}})
    assert scoring.likelihood_from_probability(0.06, m) == 2
    assert merge_over_defaults({})["matrix"]["levels"][0] == [3, 3, 3, 3, 2]
