"""Self-evaluation (内部控制自我评价): score a filled checklist and track its deficiencies.

Pure: a table keyed by the catalogue's ``evaluation`` column keys and indexed by sheet row (a
DataFrame or ``icx.core.rows.Rows``) in, an ``EvaluationResult`` out. Wordings, the partial factor
and the default checklist live in ``icx/data/checklist.toml``.

Scoring: 符合 earns the item's full weight, 基本符合 ``partial_factor`` × weight (default 0.5),
不符合 zero; 不适用 leaves the item out of the denominator. (A unit's 参数设置 sheet may change the
shares, as the template's formulas read them from there; the defaults are 1, 0.5 and 0.) An area's
percentage is its earned score over the weight of its applicable items; the overall percentage pools every item the same
way (so heavier items count more), not an average of area percentages.

Deficiencies: every 不符合 row is a deficiency and must carry a description and a grade
(重大/重要/一般), else the row is an error; a 基本符合 row with a description (or a grade) is a
deficiency too. A deficiency is open until its status is 已整改 (blank status = 未整改). It is
overdue when it is open and its deadline is BEFORE the as-of date: a deficiency due on the as-of
date itself is not overdue yet.

Rows whose id, area, weight or result cannot be read are reported and left out of the scores;
other errors (an incomplete deficiency) are reported and the row still counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from icx import i18n
from icx.bundled import read_toml
from icx.core.dates import as_date
from icx.core.errors import Problem
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import as_number, is_blank, round_half_up

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

    from icx.core.rows import Rows

EMAIL = re.compile(r"^[^@\s;,；，]+@[^@\s;,；，]+\.[^@\s;,；，]+$")
METHOD_SEPARATORS = re.compile(r"[、,，;；/+\n]+")
NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True)
class Wording:
    """One entry of a closed list (a result, grade, status, method…): code and its names."""

    code: str
    zh: str
    en: str
    short_zh: str = ""
    aliases: tuple[str, ...] = ()

    def names(self) -> list[str]:
        return [n for n in (self.code, self.zh, self.en, self.short_zh, *self.aliases) if n]

    def label(self, lang: i18n.Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class EvaluationConfig:
    """Wordings and the scoring factor of the self-evaluation."""

    partial_factor: float
    percent_digits: int
    results: tuple[Wording, ...]
    grades: tuple[Wording, ...]
    statuses: tuple[Wording, ...]
    methods: tuple[Wording, ...]
    effectiveness: tuple[Wording, ...]
    full_factor: float = 1.0  # 符合
    none_factor: float = 0.0  # 不符合

    def result(self, given: Any) -> Wording | None:
        return self._by_name["results"].get(normalize_word(str(given)))

    def grade(self, given: Any) -> Wording | None:
        return self._by_name["grades"].get(normalize_word(str(given)))

    def status(self, given: Any) -> Wording | None:
        return self._by_name["statuses"].get(normalize_word(str(given)))

    def method(self, given: Any) -> Wording | None:
        return self._by_name["methods"].get(normalize_word(str(given)))

    def effectiveness_of(self, given: Any) -> Wording | None:
        return self._by_name["effectiveness"].get(normalize_word(str(given)))

    @cached_property
    def _by_name(self) -> dict[str, dict[str, Wording]]:
        """Per wording table: normalised name → entry (the first entry naming it wins)."""
        out: dict[str, dict[str, Wording]] = {}
        for kind in ("results", "grades", "statuses", "methods", "effectiveness"):
            index = out[kind] = {}
            for entry in getattr(self, kind):
                for name in entry.names():
                    index.setdefault(normalize_word(name), entry)
        return out

    def wording(self, kind: str, code: str) -> Wording:
        return next(w for w in getattr(self, kind) if w.code == code)

    def with_partial(self, factor: float) -> EvaluationConfig:
        """The same configuration with another 基本符合 factor (0 ≤ factor ≤ 1)."""
        if not 0 <= factor <= 1:
            raise ValueError(f"the partial factor must lie between 0 and 1, got {factor}")
        return replace(self, partial_factor=float(factor))

    def with_factors(
        self, full: float | None = None, partial: float | None = None, none: float | None = None
    ) -> EvaluationConfig:
        """Another share for any of 符合 / 基本符合 / 不符合 (each 0 ≤ share ≤ 1)."""
        for value in (full, partial, none):
            if value is not None and not 0 <= value <= 1:
                raise ValueError(f"a share of weight must lie between 0 and 1, got {value}")
        return replace(
            self,
            full_factor=self.full_factor if full is None else float(full),
            partial_factor=self.partial_factor if partial is None else float(partial),
            none_factor=self.none_factor if none is None else float(none),
        )

    def factor(self, result: str) -> float | None:
        """The share of weight a result code earns (None for 'na')."""
        return {"full": self.full_factor, "partial": self.partial_factor, "none": self.none_factor}.get(result)

    def accepted(self, kind: str) -> str:
        """The wordings a sheet may use, as the dropdowns write them (重大、重要、一般)."""
        return "、".join(w.short_zh or w.zh for w in getattr(self, kind))


@dataclass(frozen=True)
class ChecklistItem:
    """One focus point of the default checklist."""

    id: str
    area: str
    focus: str
    focus_en: str
    criterion: str
    criterion_en: str
    methods: tuple[str, ...]  # method codes
    weight: float
    effectiveness: str  # 'design' or 'operating'


@cache
def _checklist_data() -> dict[str, Any]:
    return read_toml("checklist.toml")


def config_from_mapping(data: Mapping[str, Any]) -> EvaluationConfig:
    def words(section: str) -> tuple[Wording, ...]:
        return tuple(
            Wording(
                code=code, zh=w["zh"], en=w["en"], short_zh=w.get("short_zh", ""), aliases=tuple(w.get("aliases", ()))
            )
            for code, w in data[section].items()
        )

    scoring = data.get("scoring", {})
    config = EvaluationConfig(
        partial_factor=0.5,
        percent_digits=int(scoring.get("percent_digits", 2)),
        results=words("results"),
        grades=words("grades"),
        statuses=words("statuses"),
        methods=words("methods"),
        effectiveness=words("effectiveness"),
    )
    if {w.code for w in config.results} != {"full", "partial", "none", "na"}:
        raise ValueError("results must be exactly: full, partial, none, na")
    if {w.code for w in config.statuses} != {"open", "in_progress", "done"}:
        raise ValueError("statuses must be exactly: open, in_progress, done")
    return config.with_partial(float(scoring.get("partial_factor", 0.5)))


@cache
def default_config() -> EvaluationConfig:
    """Wordings and the default 基本符合 factor from ``icx/data/checklist.toml``."""
    return config_from_mapping(_checklist_data())


@cache
def default_checklist() -> tuple[ChecklistItem, ...]:
    """The built-in focus points, in file order."""
    return tuple(
        ChecklistItem(
            id=i["id"],
            area=i["area"],
            focus=i["focus"],
            focus_en=i.get("focus_en", ""),
            criterion=i["criterion"],
            criterion_en=i.get("criterion_en", ""),
            methods=tuple(i["method"]),
            weight=float(i["weight"]),
            effectiveness=i["effectiveness"],
        )
        for i in _checklist_data()["item"]
    )


# --- scoring ----------------------------------------------------------------------------------
def item_score(
    result: str, weight: float, partial_factor: float, full_factor: float = 1.0, none_factor: float = 0.0
) -> float | None:
    """Points one item earns: result code 'full' / 'partial' / 'none'; None for 'na' (not counted)."""
    if result == "na":
        return None
    share = {"full": full_factor, "partial": partial_factor, "none": none_factor}[result]
    return weight * share


def is_overdue(deadline: dt.date | None, status: str, as_of: dt.date) -> bool:
    """Open (not 'done') and due strictly before ``as_of``; due on ``as_of`` is not overdue."""
    return deadline is not None and status != "done" and deadline < as_of


def percent(score: float, weight: float, digits: int = 2) -> float | None:
    """score / weight as a percentage, rounded half up; None when nothing is applicable."""
    if weight <= 0:
        return None
    return round_half_up(score / weight * 100, digits)


@dataclass(frozen=True)
class Deficiency:
    """One deficiency (缺陷) found by the self-evaluation, with its rectification."""

    item_id: str
    area: str
    focus: str
    result: str  # result code
    description: str
    grade: str  # grade code ('' when missing: an error was reported)
    rectification: str
    owner: str
    owner_email: str
    deadline: dt.date | None
    status: str  # status code
    overdue: bool
    days_overdue: int
    row: Any = None
    source: str = ""

    @property
    def open(self) -> bool:
        return self.status != "done"


@dataclass(frozen=True)
class AreaScore:
    """Scores of one area (or of all areas, area = '')."""

    area: str
    items: int  # rows evaluated (scored or 不适用)
    applicable: int  # rows counted in the denominator
    weight: float  # their total weight
    score: float  # points earned
    percent: float | None
    design_percent: float | None
    operating_percent: float | None
    not_compliant: int  # 不符合 rows
    deficiencies: int


ITEM_COLUMNS = ["row", "item_id", "area", "weight", "result", "score", "applicable", "evaluated", "effectiveness"]


@dataclass
class EvaluationResult:
    item_rows: list[dict[str, Any]]  # one per checklist row: ITEM_COLUMNS
    areas: list[AreaScore]
    overall: AreaScore
    deficiencies: list[Deficiency]
    problems: list[Problem]
    as_of: dt.date
    partial_factor: float

    @cached_property
    def items(self) -> pd.DataFrame:
        """The scored checklist by sheet row: item_id, area, weight, result, score, applicable…"""
        import pandas as pd

        return pd.DataFrame(self.item_rows, columns=ITEM_COLUMNS).set_index("row")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def open_deficiencies(self) -> list[Deficiency]:
        return [d for d in self.deficiencies if d.open]

    @property
    def overdue_deficiencies(self) -> list[Deficiency]:
        return [d for d in self.deficiencies if d.overdue]

    def counts_by_grade(self, config: EvaluationConfig | None = None) -> dict[str, dict[str, int]]:
        """grade code → {'total', 'open', 'overdue'}; every grade listed, '' for ungraded ones."""
        cfg = config or default_config()
        out = {g.code: {"total": 0, "open": 0, "overdue": 0} for g in cfg.grades}
        for d in self.deficiencies:
            counts = out.setdefault(d.grade, {"total": 0, "open": 0, "overdue": 0})
            counts["total"] += 1
            counts["open"] += d.open
            counts["overdue"] += d.overdue
        return out

    def area(self, code: str) -> AreaScore | None:
        return next((a for a in self.areas if a.area == code), None)


def evaluate(
    table: Rows,
    as_of: dt.date,
    config: EvaluationConfig | None = None,
    methodology: Methodology | None = None,
) -> EvaluationResult:
    """Score a filled checklist, list its deficiencies and every problem (row + column key)."""
    cfg = config or default_config()
    m = methodology or default_methodology()
    problems: list[Problem] = []
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    rows: list[dict[str, Any]] = []
    deficiencies: list[Deficiency] = []
    first_row_of: dict[str, Any] = {}
    areas_accepted = "、".join(a.short_zh or a.name_zh for a in m.areas)

    def report(
        code: str, r: Any, key: str, severity: str = "error", *, given: Any = None, params: dict | None = None
    ) -> None:
        problems.append(Problem.of(code, row=r, field=key, severity=severity, given=given, params=params))

    for r in table.sheet_rows:
        bad = False
        item_id = _text(get(r, "item_id"))
        if not item_id:
            report("required_blank", r, "item_id", params={"column": _header("item_id")})
            bad = True
        elif item_id.upper() in first_row_of:
            report(
                "evaluation_duplicate_id", r, "item_id", given=item_id, params={"first": first_row_of[item_id.upper()]}
            )
            bad = True
        else:
            first_row_of[item_id.upper()] = r
        area_value, area = get(r, "area"), None
        if is_blank(area_value):
            report("required_blank", r, "area", params={"column": _header("area")})
            bad = True
        else:
            area = m.area(str(area_value))
            if area is None:
                report("area_invalid", r, "area", given=area_value, params={"accepted": areas_accepted})
                bad = True
        if is_blank(get(r, "focus")):
            report("required_blank", r, "focus", params={"column": _header("focus")})
        weight = as_number(get(r, "weight"))
        if weight is None or weight <= 0:
            report("evaluation_weight_invalid", r, "weight", given=get(r, "weight"))
            bad = True
        result_value, result = get(r, "result"), None
        if is_blank(result_value):
            report("evaluation_result_blank", r, "result")
            bad = True
        else:
            result = cfg.result(result_value)
            if result is None:
                report(
                    "evaluation_result_invalid",
                    r,
                    "result",
                    given=result_value,
                    params={"accepted": cfg.accepted("results")},
                )
                bad = True
        _check_methods(cfg, get(r, "method"), r, report)
        effectiveness = ""
        eff_value = get(r, "effectiveness")
        if not is_blank(eff_value):
            found = cfg.effectiveness_of(eff_value)
            if found is None:
                report(
                    "evaluation_effectiveness_invalid",
                    r,
                    "effectiveness",
                    "warning",
                    given=eff_value,
                    params={"accepted": cfg.accepted("effectiveness")},
                )
            else:
                effectiveness = found.code
        score = None
        if not bad:
            score = item_score(result.code, weight, cfg.partial_factor, cfg.full_factor, cfg.none_factor)  # type: ignore[union-attr, arg-type]
            _check_stored_score(get(r, "score"), score, r, report)
        rows.append(
            {
                "row": r,
                "item_id": item_id,
                "area": area.code if area else "",
                "weight": weight,
                "result": result.code if result else NOT_EVALUATED,
                "score": score,
                "applicable": (not bad) and result is not None and result.code != "na",
                "evaluated": not bad,
                "effectiveness": effectiveness,
            }
        )
        if result is not None and area is not None:
            deficiency = _deficiency(cfg, get, r, item_id, area.code, result.code, as_of, report)
            if deficiency is not None:
                deficiencies.append(deficiency)

    by_area: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_area.setdefault(row["area"], []).append(row)
    scores = [_area_score(by_area[a.code], deficiencies, a.code, cfg) for a in m.areas if a.code in by_area]
    overall = _area_score(rows, deficiencies, None, cfg)
    return EvaluationResult(rows, scores, overall, deficiencies, problems, as_of, cfg.partial_factor)


def _area_score(
    rows: list[dict[str, Any]], deficiencies: list[Deficiency], area: str | None, cfg: EvaluationConfig
) -> AreaScore:
    """The score of ``rows`` (those of ``area``, or all of them for None)."""
    # Plain lists (a checklist has a few dozen rows); sums run in row order, like the sheet's SUM.
    evaluated = [r for r in rows if r["evaluated"]]
    applicable = [r for r in evaluated if r["applicable"]]
    weight = float(sum(r["weight"] for r in applicable)) if applicable else 0.0
    score = float(sum(r["score"] for r in applicable)) if applicable else 0.0

    def share(kind: str) -> float | None:
        chosen = [r for r in applicable if r["effectiveness"] == kind]
        if not chosen:
            return None
        return percent(
            float(sum(r["score"] for r in chosen)), float(sum(r["weight"] for r in chosen)), cfg.percent_digits
        )

    return AreaScore(
        area=area or "",
        items=len(evaluated),
        applicable=len(applicable),
        weight=weight,
        score=score,
        percent=percent(score, weight, cfg.percent_digits),
        design_percent=share("design"),
        operating_percent=share("operating"),
        not_compliant=sum(1 for r in evaluated if r["result"] == "none"),
        deficiencies=sum(1 for d in deficiencies if area is None or d.area == area),
    )


def _check_methods(cfg: EvaluationConfig, value: Any, r: Any, report: Any) -> None:
    if is_blank(value):
        return
    for part in METHOD_SEPARATORS.split(str(value)):
        if part.strip() and cfg.method(part) is None:
            report(
                "evaluation_method_invalid",
                r,
                "method",
                "warning",
                given=part.strip(),
                params={"accepted": cfg.accepted("methods")},
            )


def _check_stored_score(stored: Any, computed: float | None, r: Any, report: Any) -> None:
    # The template computes 得分 with a formula; a value that disagrees is a finding, not an error.
    if is_blank(stored) or computed is None:
        return
    value = as_number(stored)
    if value is None or abs(value - computed) > 1e-6:
        report(
            "stored_differs",
            r,
            "score",
            "warning",
            given=stored,
            params={"what": "得分/score", "stored": _text(stored), "computed": f"{computed:g}"},
        )


def _deficiency(
    cfg: EvaluationConfig, get: Any, r: Any, item_id: str, area: str, result: str, as_of: dt.date, report: Any
) -> Deficiency | None:
    description = _text(get(r, "deficiency"))
    grade_value = get(r, "grade")
    if result in ("full", "na"):
        if description or not is_blank(grade_value):
            key = "deficiency" if description else "grade"
            report(
                "evaluation_deficiency_on_pass", r, key, "warning", params={"result": cfg.wording("results", result).zh}
            )
        return None
    if result == "partial" and not description and is_blank(grade_value):
        return None  # 基本符合 with nothing to rectify
    result_zh = cfg.wording("results", result).zh
    if not description:
        report("evaluation_deficiency_missing", r, "deficiency", params={"result": result_zh})
    grade = ""
    if is_blank(grade_value):
        report("evaluation_grade_missing", r, "grade", params={"result": result_zh, "accepted": cfg.accepted("grades")})
    else:
        found = cfg.grade(grade_value)
        if found is None:
            report(
                "evaluation_grade_invalid", r, "grade", given=grade_value, params={"accepted": cfg.accepted("grades")}
            )
        else:
            grade = found.code
    status = "open"
    status_value = get(r, "status")
    if not is_blank(status_value):
        found = cfg.status(status_value)
        if found is None:
            report(
                "evaluation_status_invalid",
                r,
                "status",
                given=status_value,
                params={"accepted": cfg.accepted("statuses")},
            )
        else:
            status = found.code
    deadline = None
    deadline_value = get(r, "deadline")
    if is_blank(deadline_value):
        if status != "done":
            report("evaluation_deadline_missing", r, "deadline", "warning")
    else:
        deadline = as_date(deadline_value)
        if deadline is None:
            report("evaluation_deadline_invalid", r, "deadline", given=deadline_value)
    owner = _text(get(r, "owner"))
    if not owner and status != "done":
        report("evaluation_owner_missing", r, "owner", "warning")
    email = _text(get(r, "owner_email"))
    if email and not EMAIL.match(email):
        report("evaluation_email_invalid", r, "owner_email", "warning", given=email)
    overdue = is_overdue(deadline, status, as_of)
    return Deficiency(
        item_id=item_id,
        area=area,
        focus=_text(get(r, "focus")),
        result=result,
        description=description,
        grade=grade,
        rectification=_text(get(r, "rectification")),
        owner=owner,
        owner_email=email,
        deadline=deadline,
        status=status,
        overdue=overdue,
        days_overdue=(as_of - deadline).days if overdue and deadline else 0,
        row=r,
        source=_text(get(r, "source")),
    )


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(key: str) -> str:
    for spec in i18n.section("columns").get("evaluation", ()):
        if spec["key"] == key:
            return spec["zh"]
    return key


def checklist_rows(
    items: Iterable[ChecklistItem] | None = None,
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
    config: EvaluationConfig | None = None,
) -> list[dict[str, Any]]:
    """The checklist as rows keyed by the ``evaluation`` column keys (blank results), ready for a
    template or a demo to write on the 自我评价 sheet."""
    cfg = config or default_config()
    m = methodology or default_methodology()
    out = []
    for item in items if items is not None else default_checklist():
        area = next(a for a in m.areas if a.code == item.area)
        out.append(
            {
                "item_id": item.id,
                "area": (area.short_zh or area.name_zh) if lang == "zh" else area.name_en,
                "focus": item.focus if lang == "zh" else item.focus_en or item.focus,
                "criterion": item.criterion if lang == "zh" else item.criterion_en or item.criterion,
                "method": "、".join(cfg.wording("methods", code).label(lang) for code in item.methods),
                "effectiveness": cfg.wording("effectiveness", item.effectiveness).label(lang),
                "weight": int(item.weight) if float(item.weight).is_integer() else item.weight,
            }
        )
    return out
