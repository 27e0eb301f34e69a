"""The default checklist: at least 60 well-formed focus points across the unit level and the six
business areas, and wordings that agree with the templates' dropdowns."""

from __future__ import annotations

from collections import Counter

from icx import i18n
from icx.core.evaluation import checklist_rows, default_checklist, default_config
from icx.core.methodology import default_methodology

ITEMS = default_checklist()


def test_at_least_sixty_points_covering_every_area_and_both_kinds_of_effectiveness():
    assert len(ITEMS) >= 60
    areas = Counter(i.area for i in ITEMS)
    assert set(areas) == {a.code for a in default_methodology().areas}
    assert min(areas.values()) >= 8
    for area in areas:
        kinds = {i.effectiveness for i in ITEMS if i.area == area}
        assert kinds == {"design", "operating"}, area


def test_every_point_is_complete():
    config = default_config()
    methods = {w.code for w in config.methods}
    assert methods == {"inspect", "interview", "walkthrough", "reperform"}
    ids = [i.id for i in ITEMS]
    assert len(ids) == len(set(ids))
    for i in ITEMS:
        assert i.focus and i.focus_en and i.criterion and i.criterion_en, i.id
        assert i.methods and set(i.methods) <= methods, i.id
        assert i.weight > 0 and i.effectiveness in ("design", "operating"), i.id
    assert {m for i in ITEMS for m in i.methods} == methods  # every method is used somewhere


def test_wordings_agree_with_the_template_dropdowns():
    config = default_config()
    choices = i18n.section("choices")
    factors = {c["zh"]: c.get("factor") for c in choices["result"]}
    for option in choices["result"]:
        assert config.result(option["zh"]) is not None and config.result(option["en"]) is not None
    assert factors["基本符合"] == config.partial_factor
    assert factors["符合"] == 1.0 and factors["不符合"] == 0.0 and factors["不适用"] is None
    for kind, _section in (("grade", "grades"), ("status", "statuses"), ("effectiveness", "effectiveness")):
        for option in choices[kind]:
            for word in (option["zh"], option["en"]):
                assert getattr(config, "effectiveness_of" if kind == "effectiveness" else kind)(word) is not None, word


def test_checklist_rows_are_ready_for_the_sheet_in_both_languages():
    zh, en = checklist_rows(), checklist_rows(lang="en")
    assert len(zh) == len(ITEMS) == len(en)
    assert zh[0]["area"] == "单位层面" and en[0]["area"] == "Unit level"
    assert zh[0]["method"] in ("检查", "访谈", "穿行测试", "重新执行") or "、" in zh[0]["method"]
    assert all(row["effectiveness"] in ("设计", "执行") for row in zh)
