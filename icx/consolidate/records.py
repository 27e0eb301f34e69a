"""What a worker process sends back for one unit workbook: small, plain, picklable records.

No grids, no DataFrames, no openpyxl objects — only the rows the summary prints and the figures
it counts, so thousands of units fit in memory and cross the process boundary cheaply. Conflicts
and the self-evaluation are the checkers' own records (``icx.core.conflicts``,
``icx.core.evaluation``; the evaluation without its checklist rows), which are already small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from icx.consolidate.history_records import UnitHistory
from icx.core.basic_evaluation.aggregate import UnitSummary
from icx.core.conflicts import Conflict, unknown_names
from icx.core.errors import Problem
from icx.core.evaluation import Deficiency, EvaluationResult
from icx.core.findings import Finding
from icx.core.treatment import Plan

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
    residual_level: int | None = None  # graded with the unit's matrix (icx check treatment)


@dataclass(slots=True)
class UnitResult:
    """Everything the summary needs from one input file (``worker.read_unit`` fills it)."""

    file: str
    sha256: str = ""
    size: int = 0
    modified: float = 0.0  # the file's modification time (POSIX seconds)
    readable: bool = False
    skip: str = ""  # why the file was not read as a submission (an icx output): see inputs.SKIP_REASONS
    exclusion: str = ""  # why the unit cannot be counted from what the file holds (counting.POLICIES)
    unit_code: str = ""  # as the file gives it, invisible characters removed (codes.clean_code)
    code_from_name: bool = False  # the file gave no code; its name starts with a roster code
    fill_date: str = ""  # 填报日期 as written (ISO date when the cell held a date)
    unit_name: str = ""
    period: str = ""
    methodology_name: str = ""
    methodology_custom: bool = False  # scored with its own 参数设置, which differs from the base
    risks: list[RiskRow] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    conflicts_checked: bool = False  # the workbook held duties, control posts or a payment log
    evaluation: EvaluationResult | None = None  # None without a 自我评价 sheet
    basic_evaluation: UnitSummary | None = None  # the 基础性评价 scorecard in a few numbers
    history: UnitHistory | None = None  # only when the batch is recorded (--db)
    # rotation, approval limits, treatment and sign-off (icx.consolidate.oversight)
    oversight_findings: list[Finding] = field(default_factory=list)
    overdue_plans: list[Plan] = field(default_factory=list)
    oversight_checked: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def evaluated(self) -> bool:
        return self.evaluation is not None

    @property
    def evaluation_score(self) -> float | None:
        """Overall self-evaluation score, % of the applicable weight."""
        return self.evaluation.overall.percent if self.evaluation is not None else None

    @property
    def evaluation_by_area(self) -> dict[str, float | None]:
        """Area code → score (%), in the methodology's area order."""
        return {a.area: a.percent for a in self.evaluation.areas} if self.evaluation is not None else {}

    @property
    def deficiencies(self) -> list[Deficiency]:
        return self.evaluation.deficiencies if self.evaluation is not None else []

    @property
    def open_deficiencies(self) -> list[Deficiency]:
        return [d for d in self.deficiencies if d.open]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def unknown_duties(self) -> list[str]:
        """Duties the unit wrote that no rule knows (the conflict check may be incomplete)."""
        return unknown_names(self.problems)

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
