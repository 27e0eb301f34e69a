"""Risks and the risk register (风险清单), with the ranking table (风险识别排序表) and counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from icx.core import scoring
from icx.core.methodology import Methodology, default_methodology

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

Score = float


class Assessment(BaseModel):
    """One assessor's scores for one risk (风险评估小组成员的打分)."""

    model_config = ConfigDict(frozen=True)

    assessor: str = ""
    likelihood: Score | None = Field(default=None, ge=1, le=5)
    impact: Score | None = Field(default=None, ge=1, le=5)


class Risk(BaseModel):
    """One identified risk. Likelihood and impact are the assessors' averages when they scored.

    ``score`` and ``level`` are derived with a methodology; ``scored`` fills them in.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    area: str = Field(description="business area code, e.g. 'budget' (see Methodology.areas)")
    process_step: str = ""
    description: str = ""
    category: str = ""
    cause: str = ""
    assessments: tuple[Assessment, ...] = ()
    likelihood: Score | None = Field(default=None, ge=1, le=5)
    impact: Score | None = Field(default=None, ge=1, le=5)
    score: Score | None = Field(default=None, ge=1, le=25)
    level: int | None = Field(default=None, ge=1, le=3)
    response: str = ""
    owner_department: str = ""
    owner: str = ""
    controls: tuple[str, ...] = ()
    evidence: str = ""
    residual_likelihood: Score | None = Field(default=None, ge=1, le=5)
    residual_impact: Score | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _averages_from_assessors(self) -> Risk:
        # Inherent likelihood/impact default to the assessors' means (fractional allowed).
        updates = {}
        for name in ("likelihood", "impact"):
            given = [getattr(a, name) for a in self.assessments if getattr(a, name) is not None]
            if getattr(self, name) is None and given:
                updates[name] = scoring.average(given, name)
        for name, value in updates.items():
            object.__setattr__(self, name, value)
        return self

    def scored(self, methodology: Methodology | None = None) -> Risk:
        """This risk with score and level computed (left empty when not assessed)."""
        if self.likelihood is None or self.impact is None:
            return self.model_copy(update={"score": None, "level": None})
        return self.model_copy(
            update={
                "score": scoring.risk_score(self.likelihood, self.impact),
                "level": scoring.risk_level(self.likelihood, self.impact, methodology),
            }
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def residual_score(self) -> Score | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return scoring.risk_score(self.residual_likelihood, self.residual_impact)


class RiskRegister(BaseModel):
    """A unit's risks scored with one methodology."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    risks: tuple[Risk, ...] = ()
    methodology: Methodology = Field(default_factory=default_methodology)
    unit_code: str = ""
    unit_name: str = ""

    @classmethod
    def build(cls, risks: Iterable[Risk], methodology: Methodology | None = None, **unit: str) -> RiskRegister:
        m = methodology or default_methodology()
        return cls(risks=tuple(r.scored(m) for r in risks), methodology=m, **unit)

    def to_frame(self) -> pd.DataFrame:
        """One row per risk (controls joined with '；')."""
        rows = []
        for r in self.risks:
            row = r.model_dump(exclude={"assessments"})
            row["controls"] = "；".join(r.controls)
            row["assessors"] = len(r.assessments)
            rows.append(row)
        columns = list(Risk.model_fields) + ["residual_score", "assessors"]
        columns.remove("assessments")
        import pandas as pd

        return pd.DataFrame(rows, columns=columns)

    def ranked(self) -> pd.DataFrame:
        """The ranking table: score desc, then level (一级 first), then id; ties share a rank."""
        from icx.core import vectorized

        frame = self.to_frame()
        frame = frame[frame["score"].notna()].reset_index(drop=True)
        frame.insert(0, "rank", vectorized.rank(frame["id"], frame["score"], frame["level"]))
        # Rank already encodes (score, level, id); a stable sort keeps file order within ties.
        return frame.sort_values("rank", kind="stable").reset_index(drop=True)

    def counts_by_level(self) -> dict[int, int]:
        counts = {level: 0 for level in (1, 2, 3)}
        for r in self.risks:
            if r.level is not None:
                counts[r.level] += 1
        return counts

    def counts_by_area(self) -> pd.DataFrame:
        """Areas × levels (1, 2, 3, total), areas in the methodology's order."""
        import pandas as pd

        codes = [a.code for a in self.methodology.areas]
        table = pd.DataFrame(0, index=codes, columns=[1, 2, 3], dtype=int)
        for r in self.risks:
            if r.level is not None:
                if r.area not in table.index:
                    table.loc[r.area] = 0
                table.loc[r.area, r.level] += 1
        table["total"] = table.sum(axis=1)
        return table

    def by_id(self) -> dict[str, Risk]:
        return {r.id: r for r in self.risks}


def score_frame(
    likelihood: Sequence[float] | pd.Series,
    impact: Sequence[float] | pd.Series,
    ids: Sequence[str] | pd.Series,
    methodology: Methodology | None = None,
) -> pd.DataFrame:
    """Score, level and rank for columns of averages (the vectorized path used on big tables)."""
    import pandas as pd

    from icx.core import vectorized

    lk = vectorized.as_series(likelihood).astype(float)
    im = vectorized.as_series(impact).astype(float)
    score = vectorized.risk_score(lk, im)
    level = vectorized.risk_level(lk, im, methodology)
    return pd.DataFrame(
        {"score": score, "level": level, "rank": vectorized.rank(ids, score, level)},
        index=lk.index,
    )
