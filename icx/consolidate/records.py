"""What a worker process sends back for one unit workbook: small, plain, picklable records.

No grids, no DataFrames, no openpyxl objects — only the rows the summary prints and the figures
it counts, so thousands of units fit in memory and cross the process boundary cheaply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.errors import Problem

STORED_DIFFERS = "stored_differs"  # code of the register reader's stored-vs-recomputed warning


@dataclass(slots=True)
class RiskRow:
    """One scored risk (values recomputed with the unit's methodology)."""

    id: str
    area: str  # area code ('budget'…); names below come from the unit's methodology
    area_zh: str
    area_en: str
    process_step: str
    description: str
    category: str
    likelihood: float
    impact: float
    likelihood_band: int
    impact_band: int
    score: float
    level: int  # 1 = 一级 (most severe)
    unit_rank: int
    response: str
    owner_department: str
    owner: str
    controls: str


@dataclass(slots=True)
class ConflictRow:
    """One incompatible-duty conflict found in a unit's 不相容岗位 sheet."""

    person: str
    posts: str
    duty_a: str
    duty_b: str
    area: str
    rule_id: str
    detail: str  # the conflict checker's own sentence (zh)
    detail_en: str = ""


@dataclass(slots=True)
class DeficiencyRow:
    """One deficiency from a unit's 自我评价 sheet, with its rectification state."""

    item_id: str
    area: str
    deficiency: str
    grade: str  # as the unit wrote it (重大缺陷 / 重要缺陷 / 一般缺陷)
    grade_key: str  # 'major' / 'important' / 'general' / '' when not recognised
    rectification: str
    owner: str
    owner_email: str
    deadline: dt.date | None
    deadline_text: str  # the cell as written when it is not a date
    status: str
    is_open: bool
    overdue: bool
    days_overdue: int = 0


@dataclass(slots=True)
class UnitResult:
    """Everything the summary needs from one input file."""

    file: str
    sha256: str = ""
    size: int = 0
    readable: bool = False
    unit_code: str = ""
    unit_name: str = ""
    period: str = ""
    preparer: str = ""
    contact: str = ""
    email: str = ""
    methodology_name: str = ""
    methodology_custom: bool = False
    risks: list[RiskRow] = field(default_factory=list)
    conflicts: list[ConflictRow] = field(default_factory=list)
    evaluated: bool = False
    evaluation_score: float | None = None  # % of the weighted maximum
    evaluation_by_area: dict[str, float] = field(default_factory=dict)  # area label → %
    deficiencies: list[DeficiencyRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    as_of: dt.date | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def findings(self) -> list[Problem]:
        """Cells whose stored score/level disagrees with the recomputed one."""
        return [p for p in self.problems if p.code == STORED_DIFFERS]

    def counts_by_level(self) -> dict[int, int]:
        counts = {1: 0, 2: 0, 3: 0}
        for r in self.risks:
            counts[r.level] += 1
        return counts

    @property
    def sort_key(self) -> tuple[bool, str, str]:
        """Units by code (files without a code last), then by file path."""
        return (not self.unit_code, self.unit_code, self.file)

    @property
    def label(self) -> str:
        return f"{self.unit_code} {self.unit_name}".strip() or self.file
