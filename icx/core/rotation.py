"""Key-post rotation (轮岗): which posts are key, how long each person has held one, and when the
rotation — or a special audit (专项审计) standing in for it — is overdue.

Pure: the post → duty table, the person → post roster (``icx.core.persons``), the unit's own post
lines (key mark, rotation period) and its special-audit records in; tenures, findings and
problems out. The rules (key areas, default and per-kind periods) are the methodology's
``rotation`` section (``icx/data/methodology.toml``).

Decisions, each a rule of 内部控制规范 第十四条 read as exactly as a machine must:

- A post is key when it carries a duty of a key area — the area of a duty is the area of the
  duty rules naming it (``icx/data/duty_rules.toml``) — or a duty of internal supervision, or is
  of a kind of key post (出纳, procurement: by its duties or its name); a unit's own mark
  (关键岗位 是/否) overrides that either way.
- A post's period: its own line first (the unit's sheet, then the methodology's ``posts``), then
  the shortest period of the kinds it belongs to (出纳, procurement…), then the default.
- Tenure is continuous: one person's assignments to one post that overlap or follow each other
  without a free day (6-30 then 7-01) join into one run; a day between them breaks it. Acting
  (代理) assignments count like any other. Only runs the person still holds on the as-of date
  are checked: someone who has left the post has rotated.
- Rotation is due ``years`` after the run starts, on the same day of the month (EDATE): on the
  due date itself it is due, not overdue; from the next day it is overdue. Tenure in years shown
  is days held up to the as-of date ÷ 365.25, to two decimals.
- A special audit of the post stands in for a rotation for the days it covers: the clock starts
  again after it. What is checked is every stretch of the run no audit covers; a stretch longer
  than the period is a finding — the one reaching the as-of date is an overdue rotation, an
  earlier one a period nobody audited. Audits dated after the as-of date are not done yet and
  do not count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icx.core.conflicts import PostDuties, RuleLibrary, normalize_duty
from icx.core.dates import add_months, as_date, show
from icx.core.errors import Problem
from icx.core.findings import Finding, ordered
from icx.core.methodology import RotationRules
from icx.core.parsing import as_number, is_blank, round_half_up
from icx.core.persons import DAY_MAX, DAY_MIN, Assignment, Roster, as_flag, cell_text, normalize_post, show_period

if TYPE_CHECKING:
    from icx.core.rows import Rows

SUPERVISION = "supervision"  # the area of internal-supervision duties (内部监督)
YEAR_DAYS = 365.25
TENURE_DIGITS = 2
ONE_DAY = dt.timedelta(days=1)


def months_of(years: float) -> int:
    """A period in whole months (2.5 years → 30)."""
    return max(1, int(round_half_up(years * 12, 0)))


def rotation_due(start: dt.date, years: float) -> dt.date:
    """The day a run (or unaudited stretch) starting on ``start`` reaches its period."""
    return add_months(start, months_of(years))


def tenure_years(start: dt.date, as_of: dt.date) -> float:
    """Years held from ``start`` up to ``as_of``: days ÷ 365.25, two decimals (0 before the start)."""
    return round_half_up(max(0, (as_of - start).days) / YEAR_DAYS, TENURE_DIGITS)


# --- the unit's post lines ---------------------------------------------------------------------
@dataclass(frozen=True)
class PostSetting:
    """A unit's own line for one post (the 关键岗位 table): a key mark and/or a period."""

    post: str  # normalised
    name: str  # as written
    key: bool | None = None  # None: recognised from the duties
    years: float | None = None  # None: by kind or the default
    row: Any = None
    source: str = ""


def read_post_settings(frame: Rows) -> tuple[dict[str, PostSetting], list[Problem]]:
    """The key-post table (catalogue keys ``key_posts``: post, key_post, rotation_years)."""
    out: dict[str, PostSetting] = {}
    problems: list[Problem] = []
    records = frame.records()
    for r in frame.sheet_rows:
        get = records[r].get
        name = cell_text(get("post"))
        mark, years = get("key_post"), get("rotation_years")
        if not name:
            if not is_blank(mark) or not is_blank(years):
                problems.append(Problem.of("required_blank", params={"column": _header("key_posts", "post")}, row=r))
            continue
        post = normalize_post(name)
        if post in out:
            problems.append(
                Problem.of(
                    "rotation_post_repeated", given=name, params={"first": out[post].source}, row=r, field="post"
                )
            )
            continue
        key = None
        if not is_blank(mark):
            key = as_flag(mark)
            if key is None:
                problems.append(
                    Problem.of(
                        "oversight_flag_invalid",
                        given=mark,
                        params={"column": _header("key_posts", "key_post")},
                        row=r,
                        field="key_post",
                    )
                )
        period = None
        if not is_blank(years):
            number = as_number(years)
            if number is None or not 0 < number <= 50:
                problems.append(Problem.of("rotation_years_invalid", given=years, row=r, field="rotation_years"))
            else:
                period = number
        out[post] = PostSetting(post, name, key, period, r, cell_text(get("source")))
    return out, problems


# --- key posts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostProfile:
    """What rotation knows of one post: key or not and why, its kinds and its period."""

    post: str  # normalised
    name: str  # as written
    key: bool
    marked: bool | None  # the unit's own mark, None when not marked
    areas: tuple[str, ...]  # key areas (codes, and 'supervision') whose duties it carries
    kinds: tuple[str, ...]  # codes of the post kinds it belongs to
    years: float  # its rotation period
    basis: str  # where the period comes from: 'post', 'kind' or 'default'
    basis_kind: str = ""  # the kind whose period applies (basis 'kind')
    has_duties: bool = False  # the post → duty table lists duties for it


def key_duty_areas(library: RuleLibrary, rules: RotationRules) -> dict[str, frozenset[str]]:
    """Canonical duty → the key areas it belongs to: the areas of the active duty rules naming it,
    when they are key areas, and 'supervision' for the duties of internal supervision. A rule's
    duty written as a broader term (a unit's rule) counts for every duty it stands for."""
    key = set(rules.key_areas)
    found: dict[str, set[str]] = defaultdict(set)
    for rule in library.active:
        if rule.area in key:
            for duty in (rule.duty_a, rule.duty_b):
                for canonical in library.duties_of(duty):
                    found[canonical].add(rule.area)
    for written in rules.supervision_duties:
        for canonical in library.duties_of(written):
            found[canonical].add(SUPERVISION)
    return {duty: frozenset(areas) for duty, areas in found.items()}


def profile_posts(
    post_duties: PostDuties,
    library: RuleLibrary,
    rules: RotationRules,
    settings: Mapping[str, PostSetting] | None = None,
    other_posts: Mapping[str, str] | None = None,
) -> dict[str, PostProfile]:
    """Every post named by the post → duty table, the unit's post lines or ``other_posts``
    (normalised → as written: the roster's posts), profiled."""
    settings = settings or {}
    names: dict[str, str] = {}
    for source in (post_duties.names, {p: s.name for p, s in settings.items()}, other_posts or {}):
        for post, name in source.items():
            names.setdefault(post, name)
    areas_of = key_duty_areas(library, rules)
    order = {code: i for i, code in enumerate((*rules.key_areas, SUPERVISION))}
    # a kind names canonical duties (出纳 is the cashier's duty, not every duty a cashier's term implies)
    kind_duties = {k.code: frozenset(normalize_duty(duty) for duty in k.duties) for k in rules.kinds}
    kind_words = {k.code: tuple(normalize_post(w) for w in k.post_words if normalize_post(w)) for k in rules.kinds}
    method_posts = {normalize_post(p.post): p.years for p in rules.posts}
    out = {}
    for post, name in names.items():
        duties = post_duties.canonical(post, library)
        areas = sorted({a for d in duties for a in areas_of.get(d, ())}, key=order.__getitem__)
        kinds = tuple(
            k.code for k in rules.kinds if duties & kind_duties[k.code] or any(w in post for w in kind_words[k.code])
        )
        setting = settings.get(post)
        marked = setting.key if setting is not None else None
        key = marked if marked is not None else bool(areas or kinds)
        if setting is not None and setting.years is not None:
            years, basis, basis_kind = setting.years, "post", ""
        elif post in method_posts:
            years, basis, basis_kind = method_posts[post], "post", ""
        elif kinds:
            shortest = min((k for k in rules.kinds if k.code in kinds), key=lambda k: k.years)
            years, basis, basis_kind = shortest.years, "kind", shortest.code
        else:
            years, basis, basis_kind = rules.years, "default", ""
        listed = bool(post_duties.duties.get(post))
        out[post] = PostProfile(post, name, key, marked, tuple(areas), kinds, years, basis, basis_kind, listed)
    return out


# --- special audits ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SpecialAudit:
    """One special audit (专项审计) of a post, covering the days ``start`` … ``end``."""

    post: str  # normalised
    post_name: str
    start: dt.date
    end: dt.date
    done: dt.date
    auditor: str = ""
    reference: str = ""
    row: Any = None
    source: str = ""


AUDIT_DATES = ("period_from", "period_to", "audit_date")


def read_audits(frame: Rows, as_of: dt.date) -> tuple[list[SpecialAudit], list[Problem]]:
    """The special-audit table (catalogue keys ``special_audits``). A row is used when it names the
    post, the period and the audit date; an audit dated after ``as_of`` is not done yet."""
    out: list[SpecialAudit] = []
    problems: list[Problem] = []
    records = frame.records()
    for r in frame.sheet_rows:
        get = records[r].get
        name = cell_text(get("post"))
        if not name and all(is_blank(get(k)) for k in (*AUDIT_DATES, "auditor", "reference")):
            continue
        days: dict[str, dt.date | None] = {}
        missing = [] if name else ["post"]
        for key in AUDIT_DATES:
            value = get(key)
            days[key] = as_date(value)
            if is_blank(value):
                missing.append(key)
            elif days[key] is None:
                problems.append(Problem.of("oversight_date_invalid", given=value, row=r, field=key))
        for key in missing:
            problems.append(
                Problem.of("required_blank", params={"column": _header("special_audits", key)}, row=r, field=key)
            )
        start, end, done = days["period_from"], days["period_to"], days["audit_date"]
        if start is None or end is None or done is None or not name:
            continue
        if start > end:
            problems.append(
                Problem.of(
                    "oversight_dates_reversed",
                    params={"start": show(start), "end": show(end)},
                    row=r,
                    field="period_to",
                )
            )
            start, end = end, start
        if done > as_of:
            problems.append(
                Problem.of(
                    "audit_not_done",
                    params={"date": show(done), "as_of": show(as_of)},
                    severity="warning",
                    row=r,
                    field="audit_date",
                )
            )
            continue
        if end > done:
            problems.append(
                Problem.of(
                    "audit_after_date",
                    params={"end": show(end), "date": show(done)},
                    severity="warning",
                    row=r,
                    field="period_to",
                )
            )
            end = done
        out.append(
            SpecialAudit(
                post=normalize_post(name),
                post_name=name,
                start=start,
                end=end,
                done=done,
                auditor=cell_text(get("auditor")),
                reference=cell_text(get("reference")),
                row=r,
                source=cell_text(get("source")),
            )
        )
    return out, problems


# --- tenure ------------------------------------------------------------------------------------
def join_periods(periods: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Closed periods joined where they overlap or follow without a free day, in date order."""
    out: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(periods):
        if out and (out[-1][1] == DAY_MAX or start <= out[-1][1] + ONE_DAY):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def unaudited(
    start: dt.date, stop: dt.date, audits: Iterable[tuple[dt.date, dt.date]]
) -> list[tuple[dt.date, dt.date]]:
    """The stretches of [start, stop) — ``stop`` excluded — that no audit period covers, each as
    (first day, the day after its last)."""
    out = []
    day = start
    for a_start, a_end in join_periods(audits):
        if a_end < day or a_start >= stop:
            continue
        if a_start > day:
            out.append((day, a_start))
        day = max(day, a_end + ONE_DAY) if a_end != DAY_MAX else stop
        if day >= stop:
            break
    if day < stop:
        out.append((day, stop))
    return out


def row_tenures(roster: Roster, as_of: dt.date) -> dict[Any, float | None]:
    """Sheet row → the continuous tenure (years) of the run it belongs to, for every assignment
    held on ``as_of`` — key post or not (None when the run's start is unknown). What the
    template's 连续任职(年) column shows."""
    out: dict[Any, float | None] = {}
    runs: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        runs[(a.person, a.post)].append(a)
    for held in runs.values():
        for start, end in join_periods(a.period for a in held):
            for a in held:
                if a.start <= as_of <= a.end and start <= a.start and a.end <= end:
                    out[a.row] = tenure_years(start, as_of) if start != DAY_MIN else None
    return out


@dataclass(frozen=True)
class Tenure:
    """One person's continuous run on one key post, held on the as-of date."""

    person: str  # identity key
    name: str
    employee_id: str
    post: str  # normalised
    post_name: str
    start: dt.date  # DAY_MIN when no assignment of the run gives a start
    end: dt.date  # DAY_MAX when open
    years: float | None  # held up to the as-of date (None when the start is unknown)
    limit: float
    basis: str
    basis_kind: str
    due: dt.date | None  # when rotation (or the next audit) is due for the stretch reaching the as-of date
    audited: bool  # special audits cover part of the run
    overdue: bool
    rows: tuple[Any, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def start_known(self) -> bool:
        return self.start != DAY_MIN


def unprofiled_posts(roster: Roster, profiles: Mapping[str, PostProfile], as_of: dt.date) -> list[Problem]:
    """One warning per post held on ``as_of`` that neither lists duties nor carries the unit's mark:
    whether it is key is unknown, so it is not checked."""
    out, seen = [], set()
    for a in roster.assignments:
        profile = profiles.get(a.post)
        if a.post in seen or not a.start <= as_of <= a.end:
            continue
        if profile is None or (not profile.has_duties and profile.marked is None and not profile.kinds):
            seen.add(a.post)
            out.append(
                Problem.of("rotation_post_unprofiled", given=a.post_name, severity="warning", row=a.row, field="post")
            )
    return out


@dataclass
class RotationReport:
    findings: list[Finding] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    profiles: dict[str, PostProfile] = field(default_factory=dict)
    audits: list[SpecialAudit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def key_posts(self) -> list[PostProfile]:
        return [p for p in self.profiles.values() if p.key]


def check_rotation(
    roster: Roster,
    profiles: Mapping[str, PostProfile],
    audits: Iterable[SpecialAudit],
    as_of: dt.date,
) -> RotationReport:
    """Tenures of everyone holding a key post on ``as_of``, and the findings."""
    report = RotationReport(profiles=dict(profiles), audits=list(audits))
    audits_by_post: dict[str, list[SpecialAudit]] = defaultdict(list)
    for audit in report.audits:
        audits_by_post[audit.post].append(audit)
    runs: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        profile = profiles.get(a.post)
        if profile is not None and profile.key:
            runs[(a.person, a.post)].append(a)
    for (person, post), held in runs.items():
        profile = profiles[post]
        for start, end in join_periods(a.period for a in held):
            if not start <= as_of <= end:
                continue
            members = [a for a in held if a.start <= end and a.end >= start]
            report.tenures.append(_tenure(person, profile, members, start, end, as_of, audits_by_post[post], report))
    report.tenures.sort(key=lambda t: (t.post_name, t.name, t.employee_id, t.start))
    report.findings = ordered(report.findings)
    return report


def _tenure(
    person: str,
    profile: PostProfile,
    members: list[Assignment],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    audits: list[SpecialAudit],
    report: RotationReport,
) -> Tenure:
    first = min(members, key=lambda a: (a.start, str(a.row)))
    name = first.name
    employee_id = next((a.employee_id for a in members if a.employee_id), "")
    rows = tuple(a.row for a in sorted(members, key=lambda a: a.start))
    sources = tuple(a.source for a in sorted(members, key=lambda a: a.start) if a.source)
    base = dict(
        person=person,
        name=name,
        employee_id=employee_id,
        post=profile.post,
        post_name=profile.name,
        start=start,
        end=end,
        limit=profile.years,
        basis=profile.basis,
        basis_kind=profile.basis_kind,
        rows=rows,
        sources=sources,
    )
    if start == DAY_MIN:
        report.problems.append(
            Problem.of(
                "rotation_start_unknown",
                params={"person": name, "post": profile.name},
                severity="warning",
                row=first.row,
                field="date_from",
            )
        )
        return Tenure(**base, years=None, due=None, audited=False, overdue=False)
    covered = [(a.start, a.end) for a in audits]
    stretches = unaudited(start, as_of, covered)
    audited = stretches != [(start, as_of)]
    current = stretches[-1] if stretches and stretches[-1][1] == as_of else None
    overdue = False
    for piece_start, stop in stretches:
        due = rotation_due(piece_start, profile.years)
        if not due < stop:
            continue
        is_current = stop == as_of
        overdue = overdue or is_current
        report.findings.append(
            _finding(profile, name, employee_id, start, piece_start, stop, due, as_of, is_current, sources, first.row)
        )
    due = rotation_due(current[0], profile.years) if current else None
    return Tenure(**base, years=tenure_years(start, as_of), due=due, audited=audited, overdue=overdue)


def _finding(
    profile: PostProfile,
    name: str,
    employee_id: str,
    start: dt.date,
    piece_start: dt.date,
    stop: dt.date,
    due: dt.date,
    as_of: dt.date,
    is_current: bool,
    sources: tuple[str, ...],
    row: Any,
) -> Finding:
    params = {
        "person": name,
        "post": profile.name,
        "start": show(start),
        "piece_start": show(piece_start),
        "piece_end": show(stop - ONE_DAY),
        "years": f"{tenure_years(piece_start, stop):g}",
        "tenure": f"{tenure_years(start, as_of):g}",
        "limit": f"{profile.years:g}",
        "due": show(due),
        "as_of": show(as_of),
    }
    return Finding.of(
        "rotation",
        "rotation_overdue" if is_current else "rotation_unaudited",
        "high" if is_current else "medium",
        name,
        params,
        variant="plain" if is_current and piece_start == start else "",
        employee_id=employee_id,
        post=profile.name,
        area=next((a for a in profile.areas if a != SUPERVISION), ""),
        period=show_period((piece_start, stop - ONE_DAY)),
        due=due,
        days_over=(stop - due).days,
        row=row,
        fields=("date_from",),
        sources=sources,
    )


def _header(table: str, key: str) -> str:
    from icx import i18n

    for spec in i18n.section("columns").get(table, ()):
        if spec["key"] == key:
            return spec["zh"]
    return key
