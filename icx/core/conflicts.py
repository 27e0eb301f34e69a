"""Incompatible duties (不相容岗位分离): find who — or which post — holds duties that must be apart.

Pure: tables in (``icx.core.rows.Rows``, keyed by the catalogue's column keys, numbered by sheet
row), conflict records and problems out. The default rules live in ``icx/data/duty_rules.toml``; a
unit's own rules (its 不相容岗位 sheet) add to them or switch them off.

Four kinds of conflict:

- ``person``: one person holds two posts, over overlapping dates, whose duties a rule keeps apart
  (acting 代理 assignments count like any other);
- ``post``: one post carries both duties of a rule;
- ``control``: a control in a control matrix whose prepare / review / approve posts are not
  distinct, or are distinct posts held by the same person;
- ``transaction``: a transaction-log row where one person is applicant and approver, approver
  and payer, or payer and bookkeeper.

Each problem found while reading the tables carries ``row`` (a sheet row) and ``field`` (a
column key), so the workbook layer can name the cell.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cache, cached_property, lru_cache
from itertools import combinations
from typing import TYPE_CHECKING, Any

from icx import i18n
from icx.bundled import read_toml
from icx.core.dates import as_date, show
from icx.core.errors import Problem
from icx.core.methodology import Methodology, default_methodology
from icx.core.parsing import is_blank
from icx.core.persons import (
    Assignment,
    Roster,
    as_flag,
    cell_text,
    normalize_id,
    normalize_name,
    normalize_post,
    overlap,
    show_period,
    split_cell,
    split_name_id,
    tidy_name,
)

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

    from icx.core.rows import Rows

KINDS = ("person", "post", "control", "transaction")
SEVERITIES = ("high", "medium", "low")
UNIT_RULE_SEVERITY = "medium"  # a unit's own rule has no severity column; it counts as medium
DUTY_SUFFIXES = ("岗位", "工作", "岗")


def normalize_duty(value: Any) -> str:
    """Canonical form of a duty: NFKC, no spaces, lower case, without a trailing 岗/岗位/工作."""
    return _normalized_duty(cell_text(value))


@lru_cache(maxsize=65536)
def _normalized_duty(written: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", written).split()).lower()
    for suffix in DUTY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyRule:
    """Two duties one person (or one post) must not hold together."""

    id: str
    area: str  # methodology area code, '' when not given
    duty_a: str
    duty_b: str
    severity: str = "medium"
    basis: str = ""
    basis_en: str = ""
    enabled: bool = True
    source: str = "default"  # 'default' or 'unit'


@dataclass(frozen=True)
class RoleRule:
    """Two roles of one control (matrix) or one transaction (log) that must be different people."""

    id: str
    role_a: str  # a column key of control_matrix / transaction_log
    role_b: str
    severity: str
    basis: str
    basis_en: str
    area: str = ""


@dataclass(frozen=True)
class RuleLibrary:
    """The rule set in force: duty pairs, control-role pairs, log-role pairs and duty terms."""

    rules: tuple[DutyRule, ...]
    matrix_rules: tuple[RoleRule, ...] = ()
    log_rules: tuple[RoleRule, ...] = ()
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # normalised term → canonical duties
    vocabulary: tuple[str, ...] = ()  # every duty name and term as written in the rules file, in its order

    @property
    def active(self) -> tuple[DutyRule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    @cached_property
    def active_by_id(self) -> dict[str, DutyRule]:
        """The active rules by id (read-only)."""
        return {r.id: r for r in self.active}

    def rule(self, rule_id: str) -> DutyRule | None:
        key = rule_id.strip().upper()
        return next((r for r in self.rules if r.id.upper() == key), None)

    def duties_of(self, written: Any) -> frozenset[str]:
        """The canonical duties a duty written by a unit stands for (itself when unknown)."""
        key = normalize_duty(written)
        if not key:
            return frozenset()
        return frozenset(self.terms.get(key, ())) | {key}

    def knows(self, written: Any) -> bool:
        """Whether a duty written by a unit is a duty the rules (built-in or the unit's own) name,
        or a term of the vocabulary: a duty icx does not know takes part in no rule."""
        key = normalize_duty(written)
        return not key or key in self.terms or key in self.named

    @cached_property
    def named(self) -> frozenset[str]:
        """Every duty a rule names (normalised), the unit's own rules included."""
        return frozenset(normalize_duty(d) for r in self.rules for d in (r.duty_a, r.duty_b))

    def closest(self, written: Any, n: int = 3) -> list[str]:
        """The known duties (as the vocabulary writes them) most like ``written``."""
        key = normalize_duty(written)
        names = list(dict.fromkeys([*self.vocabulary, *(d for r in self.rules for d in (r.duty_a, r.duty_b))]))
        scored = [(_likeness(key, normalize_duty(name)), i, name) for i, name in enumerate(names)]
        return [name for score, _, name in sorted(scored, key=lambda t: (-t[0], t[1]))[:n] if score > 0]

    def hits(self, duties: frozenset[str]) -> dict[str, tuple[bool, bool]]:
        """For each active rule (in rule order) that ``duties`` touch: (touches side A, side B).

        Read-only: the answer is kept for the next post with the same duties."""
        answer = self._hits.get(duties)
        if answer is not None:
            return answer
        found: dict[int, tuple[str, bool, bool]] = {}
        for duty in duties:
            for position, rule_id, in_a, in_b in self._rules_by_duty.get(duty, ()):
                _, a, b = found.get(position, (rule_id, False, False))
                found[position] = (rule_id, a or in_a, b or in_b)
        answer = self._hits[duties] = {rule_id: (a, b) for _, (rule_id, a, b) in sorted(found.items())}
        return answer

    def spanned(self, duties: frozenset[str]) -> tuple[str, ...]:
        """The active rules (in rule order) both of whose sides ``duties`` touch: a post that
        carries them conflicts with itself. Kept, as ``hits`` is."""
        answer = self._spanned.get(duties)
        if answer is None:
            answer = self._spanned[duties] = tuple(rule for rule, (a, b) in self.hits(duties).items() if a and b)
        return answer

    @cached_property
    def _hits(self) -> dict[frozenset[str], dict[str, tuple[bool, bool]]]:
        return {}

    @cached_property
    def _spanned(self) -> dict[frozenset[str], tuple[str, ...]]:
        return {}

    @cached_property
    def _rules_by_duty(self) -> dict[str, list[tuple[int, str, bool, bool]]]:
        # duty → the active rules one of whose sides it matches: a post carries a handful of
        # duties, the library a hundred rules, so each post looks up only its own duties.
        index: dict[str, list[tuple[int, str, bool, bool]]] = defaultdict(list)
        for position, rule in enumerate(self.active):
            side_a, side_b = self.side(rule.duty_a), self.side(rule.duty_b)
            for duty in side_a | side_b:
                index[duty].append((position, rule.id, duty in side_a, duty in side_b))
        return dict(index)

    def side(self, duty: str) -> frozenset[str]:
        """What one side of a rule matches: a canonical duty matches only itself; a broader term
        in a unit's rule ('内部审计') matches every duty it stands for."""
        key = normalize_duty(duty)
        if key in self.canonical:
            return frozenset({key})
        return self.duties_of(duty)

    @cached_property
    def canonical(self) -> frozenset[str]:
        """The duties the built-in rules name (normalised)."""
        return frozenset(normalize_duty(d) for r in self.rules if r.source == "default" for d in (r.duty_a, r.duty_b))

    def with_rules(self, rules: Iterable[DutyRule]) -> RuleLibrary:
        rules = tuple(rules)
        if rules == self.rules:
            return self  # unchanged (most units add no rules): keeps the indexes already built
        return RuleLibrary(
            rules=rules,
            matrix_rules=self.matrix_rules,
            log_rules=self.log_rules,
            terms=self.terms,
            vocabulary=self.vocabulary,
        )


@cache
def default_library() -> RuleLibrary:
    """The built-in rule library (``icx/data/duty_rules.toml``)."""
    return library_from_mapping(read_toml("duty_rules.toml"))


def library_from_mapping(data: Mapping[str, Any]) -> RuleLibrary:
    """A rule library from a parsed rules file (see duty_rules.toml for the fields)."""
    rules = tuple(
        DutyRule(
            id=r["id"],
            area=r.get("area", ""),
            duty_a=r["duty_a"],
            duty_b=r["duty_b"],
            severity=r.get("severity", "medium"),
            basis=r.get("basis", ""),
            basis_en=r.get("basis_en", ""),
        )
        for r in data.get("rule", ())
    )
    roles = lambda key: tuple(  # noqa: E731
        RoleRule(
            id=r["id"],
            role_a=r["role_a"],
            role_b=r["role_b"],
            severity=r.get("severity", "medium"),
            basis=r.get("basis", ""),
            basis_en=r.get("basis_en", ""),
            area=r.get("area", ""),
        )
        for r in data.get(key, ())
    )
    terms: dict[str, tuple[str, ...]] = {}
    groups = [(list(t.items()), "") for t in (data.get("terms", {}),)]  # a plain term → duties table
    groups += [([(term, g["duties"]) for term in g["terms"]], ";".join(g["duties"])) for g in data.get("synonyms", ())]
    for pairs, _ in groups:
        for term, duties in pairs:
            key = normalize_duty(term)
            if key in terms:
                raise ValueError(f"duty term {term!r} is listed twice")
            terms[key] = tuple(normalize_duty(d) for d in duties)
    named = [d for r in rules for d in (r.duty_a, r.duty_b)]
    vocabulary = tuple(dict.fromkeys([*named, *(term for pairs, _ in groups for term, _ in pairs)]))
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duty rule ids repeated: {sorted(duplicates)}")
    for r in rules:
        if r.severity not in SEVERITIES:
            raise ValueError(f"rule {r.id}: severity must be one of {SEVERITIES}, got {r.severity!r}")
    return RuleLibrary(
        rules=rules, matrix_rules=roles("matrix_rule"), log_rules=roles("log_rule"), terms=terms, vocabulary=vocabulary
    )


def _likeness(a: str, b: str) -> float:
    """How alike two duty names are: shared characters, then the longest common run (Chinese duty
    names share characters in any order: 现金付款 ~ 付款执行)."""
    if not a or not b:
        return 0.0
    shared = len(set(a) & set(b)) / len(set(a) | set(b))
    return shared + SequenceMatcher(None, a, b).ratio() / 10


def apply_unit_rules(
    library: RuleLibrary, table: Rows, methodology: Methodology | None = None
) -> tuple[RuleLibrary, list[Problem]]:
    """Add a unit's rules (catalogue keys ``duty_rules``) to ``library``.

    A row whose rule id is a default rule switches it off (是否启用 = 否) or on again, and may
    restate its duties; any other row is a new rule and needs both duties. Blank 是否启用 = 是.
    """
    m = methodology or default_methodology()
    problems: list[Problem] = []
    rules = {r.id.upper(): r for r in library.rules}
    order = [r.id.upper() for r in library.rules]
    seen: dict[str, Any] = {}
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    for r in table.sheet_rows:
        rule_id = cell_text(get(r, "rule_id"))
        duty_a, duty_b = cell_text(get(r, "duty_a")), cell_text(get(r, "duty_b"))
        if not rule_id:
            problems.append(
                Problem.of(
                    "conflicts_required_blank",
                    params={"column": _header("duty_rules", "rule_id")},
                    row=r,
                    field="rule_id",
                )
            )
            continue
        key = rule_id.upper()
        if key in seen:
            problems.append(Problem.of("conflicts_rule_repeated", given=rule_id, row=r, field="rule_id"))
            continue
        seen[key] = r
        enabled = True
        flag_value = get(r, "enabled")
        if not is_blank(flag_value):
            flag = as_flag(flag_value)
            if flag is None:
                problems.append(
                    Problem.of(
                        "conflicts_flag_invalid",
                        given=flag_value,
                        params={"column": _header("duty_rules", "enabled")},
                        row=r,
                        field="enabled",
                    )
                )
                continue
            enabled = flag
        area = ""
        area_value = get(r, "area")
        if not is_blank(area_value):
            found = m.area(str(area_value))
            if found is None:
                accepted = "、".join(a.short_zh or a.name_zh for a in m.areas)
                problems.append(
                    Problem.of("area_invalid", given=area_value, params={"accepted": accepted}, row=r, field="area")
                )
            else:
                area = found.code
        basis = cell_text(get(r, "basis"))
        existing = rules.get(key)
        if existing is not None and existing.source == "default":
            rules[key] = replace(
                existing,
                enabled=enabled,
                duty_a=duty_a or existing.duty_a,
                duty_b=duty_b or existing.duty_b,
                area=area or existing.area,
                basis=basis or existing.basis,
                basis_en=existing.basis_en if not basis else "",
            )
            continue
        missing = [k for k, v in (("duty_a", duty_a), ("duty_b", duty_b)) if not v]
        for k in missing:
            problems.append(
                Problem.of(
                    "conflicts_rule_incomplete",
                    given=rule_id,
                    params={"column": _header("duty_rules", k)},
                    row=r,
                    field=k,
                )
            )
        if missing:
            continue
        if normalize_duty(duty_a) == normalize_duty(duty_b):
            problems.append(Problem.of("conflicts_rule_same_duty", given=duty_a, row=r, field="duty_b"))
            continue
        rules[key] = DutyRule(
            id=rule_id,
            area=area,
            duty_a=duty_a,
            duty_b=duty_b,
            severity=UNIT_RULE_SEVERITY,
            basis=basis,
            basis_en=basis,
            enabled=enabled,
            source="unit",
        )
        order.append(key)
    return library.with_rules(rules[k] for k in order), problems


def _header(table: str, key: str) -> str:
    for spec in i18n.section("columns").get(table, ()):
        if spec["key"] == key:
            return spec["zh"]
    return key


# --- inputs -----------------------------------------------------------------------------------
@dataclass
class PostDuties:
    """Which duties each post carries: normalised post → written duties (in sheet order)."""

    duties: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # normalised post → post as written
    sources: dict[str, list[str]] = field(default_factory=dict)

    def canonical(self, post: str, library: RuleLibrary) -> frozenset[str]:
        out: set[str] = set()
        for duty in self.duties.get(post, ()):
            out |= library.duties_of(duty)
        return frozenset(out)


def read_post_duties(table: Rows) -> tuple[PostDuties, list[Problem]]:
    """The post → duty table (catalogue keys ``post_duties``); a cell may list several duties."""
    out = PostDuties()
    problems: list[Problem] = []
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    for r in table.sheet_rows:
        post_text, duty_value = cell_text(get(r, "post")), get(r, "duty")
        duties = split_cell(duty_value)
        if not post_text or not duties:
            for k, ok in (("post", post_text), ("duty", duties)):
                if not ok:
                    problems.append(
                        Problem.of(
                            "conflicts_required_blank", params={"column": _header("post_duties", k)}, row=r, field=k
                        )
                    )
            continue
        key = normalize_post(post_text)
        out.names.setdefault(key, post_text)
        out.duties.setdefault(key, []).extend(d for d in duties if d not in out.duties.get(key, []))
        source = cell_text(get(r, "source"))
        if source:
            out.sources.setdefault(key, []).append(source)
    return out, problems


@dataclass(frozen=True)
class Control:
    """The posts of one control of a control matrix (each role may name several posts)."""

    control_id: str
    area: str
    roles: Mapping[str, tuple[str, ...]]  # role key → posts as written
    source: str = ""
    row: Any = None


def read_controls(table: Rows) -> list[Control]:
    """Controls from control-matrix rows (keys ``control_matrix`` plus optional 'area', 'source')."""
    out = []
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    for r in table.sheet_rows:
        roles = {k: tuple(split_cell(get(r, k))) for k in ("prepare_post", "review_post", "approve_post")}
        if sum(1 for posts in roles.values() if posts) < 2:
            continue  # fewer than two roles filled: nothing to compare
        out.append(
            Control(
                control_id=cell_text(get(r, "control_id")),
                area=cell_text(get(r, "area")),
                roles=roles,
                source=cell_text(get(r, "source")),
                row=r,
            )
        )
    return out


@dataclass(frozen=True)
class Transaction:
    voucher: str
    people: Mapping[str, tuple[str, str]]  # role key → (name, id as written)
    amount: Any = None
    date: str = ""
    source: str = ""
    row: Any = None


LOG_ROLES = ("applicant", "approver", "payer", "bookkeeper")


def read_transactions(table: Rows) -> tuple[list[Transaction], list[Problem]]:
    """Transaction-log rows (keys ``transaction_log``). A person cell may carry an id: 张伟（0012）."""
    out: list[Transaction] = []
    problems: list[Problem] = []
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    for r in table.sheet_rows:
        voucher = cell_text(get(r, "voucher"))
        if not voucher:
            problems.append(
                Problem.of(
                    "conflicts_required_blank",
                    params={"column": _header("transaction_log", "voucher")},
                    row=r,
                    field="voucher",
                )
            )
        people = {k: split_name_id(get(r, k)) for k in LOG_ROLES if cell_text(get(r, k))}
        date_value = get(r, "date")
        day = as_date(date_value)
        if day is None and not is_blank(date_value):
            problems.append(
                Problem.of("conflicts_date_invalid", given=date_value, severity="warning", row=r, field="date")
            )
        out.append(
            Transaction(
                voucher=voucher,
                people=people,
                amount=get(r, "amount"),
                date=show(day) if day else cell_text(date_value),
                source=cell_text(get(r, "source")),
                row=r,
            )
        )
    return out, problems


def unknown_duties(table: Rows, library: RuleLibrary) -> list[Problem]:
    """A warning at each duty cell (post → duty table) naming a duty no rule and no term of the
    vocabulary knows, with the closest known duties: such a duty takes part in no rule, so the
    check of that post may be incomplete."""
    problems = []
    for r, record in table.items():
        for duty in split_cell(record.get("duty")):
            if not library.knows(duty):
                closest = "、".join(library.closest(duty)) or "—"
                problems.append(
                    Problem.of(
                        "conflicts_duty_unknown",
                        given=duty,
                        params={"closest": closest},
                        severity="warning",
                        row=r,
                        field="duty",
                    )
                )
    return problems


def unknown_names(problems: Iterable[Problem]) -> list[str]:
    """The distinct unrecognised duties among ``problems``, in the order first met."""
    return list(dict.fromkeys(str(p.given) for p in problems if p.code == "conflicts_duty_unknown"))


def unknown_summary(duties: list[str]) -> tuple[str, str]:
    """(zh, en): N duties not recognised, the check may be incomplete."""
    shown = "、".join(duties[:5]) + ("…" if len(duties) > 5 else "")
    return i18n.both("conflicts_unknown_summary", count=len(duties), duties=shown)


def unknown_posts(roster: Roster, post_duties: PostDuties) -> list[Problem]:
    """Warnings for person → post rows naming a post the post → duty table does not list."""
    problems = []
    for a in roster.assignments:
        if a.post not in post_duties.duties:
            problems.append(
                Problem.of("conflicts_post_unknown", given=a.post_name, severity="warning", row=a.row, field="post")
            )
    return problems


# --- findings ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conflict:
    """One conflict found, with what is needed to explain and fix it."""

    kind: str  # one of KINDS
    rule_id: str
    area: str  # methodology area code ('' when unknown)
    severity: str  # high / medium / low
    person: str  # who (names joined by 、 when several people hold a post)
    employee_id: str
    posts: tuple[str, ...]
    duty_a: str
    duty_b: str
    duty_a_en: str
    duty_b_en: str
    basis: str
    basis_en: str
    fix: str
    fix_en: str
    reference: str = ""  # control id or voucher number
    period: str = ""  # the overlapping dates, or the transaction date
    sources: tuple[str, ...] = ()  # where in the workbook ('不相容岗位!J7')
    uncertain: bool = False  # namesakes without ids: may be two people

    def kind_label(self, lang: i18n.Lang = "zh") -> str:
        return i18n.label(f"conflicts_kind_{self.kind}", lang)

    def severity_label(self, lang: i18n.Lang = "zh") -> str:
        return i18n.label(f"conflicts_severity_{self.severity}", lang)


@dataclass
class ConflictInputs:
    """Everything the checks look at, read and validated."""

    library: RuleLibrary
    post_duties: PostDuties
    roster: Roster
    controls: list[Control] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class ConflictReport:
    conflicts: list[Conflict]
    problems: list[Problem] = field(default_factory=list)
    unknown_duties: list[str] = field(default_factory=list)  # duties written that no rule or term knows

    @property
    def incomplete(self) -> tuple[str, str] | None:
        """(zh, en) saying how many duties were not recognised and that the check may be
        incomplete; None when every duty was recognised."""
        if not self.unknown_duties:
            return None
        return unknown_summary(self.unknown_duties)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def counts_by_area(self, methodology: Methodology | None = None) -> dict[str, int]:
        """Conflicts per area code, every area of the methodology listed (zeros included), in its
        order; conflicts without an area under ''."""
        m = methodology or default_methodology()
        counts = Counter(c.area for c in self.conflicts)
        out = {a.code: counts.pop(a.code, 0) for a in m.areas}
        for code, n in sorted(counts.items()):
            out[code] = n
        return out

    def counts_by(self, attribute: str) -> dict[str, int]:
        """Counts by 'kind' or 'severity', every value listed in its fixed order."""
        values = {"kind": KINDS, "severity": SEVERITIES}[attribute]
        counts = Counter(getattr(c, attribute) for c in self.conflicts)
        return {v: counts.get(v, 0) for v in values}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([c.__dict__ for c in self.conflicts], columns=list(Conflict.__dataclass_fields__))


def _text(key: str, params: dict[str, Any] | None = None) -> tuple[str, str]:
    """(zh, en) of a catalogue message with its placeholders filled from ``params``."""
    return i18n.both(key, **(params or {}))


@cache
def _role_label(role: str) -> tuple[str, str]:
    return i18n.label(f"conflicts_role_{role}", "zh"), i18n.label(f"conflicts_role_{role}", "en")


def post_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Kind 'post': a post whose duties include both sides of a rule."""
    lib = inputs.library
    rules = lib.active_by_id
    out = []
    for post, name in inputs.post_duties.names.items():
        for rule_id in lib.spanned(inputs.post_duties.canonical(post, lib)):
            rule = rules[rule_id]
            holders = inputs.roster.holders(post)
            people = _unique(a.name for a in holders)
            ids = _unique(a.employee_id for a in holders if a.employee_id)
            fix = _text("conflicts_fix_post", params={"post": name, "duty_a": rule.duty_a, "duty_b": rule.duty_b})
            out.append(
                Conflict(
                    kind="post",
                    rule_id=rule.id,
                    area=rule.area,
                    severity=rule.severity,
                    person="、".join(people),
                    employee_id="、".join(ids),
                    posts=(name,),
                    duty_a=rule.duty_a,
                    duty_b=rule.duty_b,
                    duty_a_en=rule.duty_a,
                    duty_b_en=rule.duty_b,
                    basis=rule.basis,
                    basis_en=rule.basis_en or rule.basis,
                    fix=fix[0],
                    fix_en=fix[1],
                    sources=tuple(inputs.post_duties.sources.get(post, ())),
                )
            )
    return out


def person_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Kind 'person': one person holding, at overlapping dates, two different posts that
    between them carry both sides of a rule."""
    lib = inputs.library
    rules = lib.active_by_id
    hits_of = {post: lib.hits(inputs.post_duties.canonical(post, lib)) for post in inputs.roster.posts()}
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for person, assignments in inputs.roster.by_person().items():
        for first, second in combinations(assignments, 2):
            if first.post == second.post:
                continue
            shared = overlap(first.period, second.period)
            if shared is None:
                continue
            h1, h2 = hits_of[first.post], hits_of[second.post]
            for rule_id in h1.keys() & h2.keys():
                (a1, b1), (a2, b2) = h1[rule_id], h2[rule_id]
                if a1 and b2:
                    holder_a, holder_b = first, second
                elif b1 and a2:
                    holder_a, holder_b = second, first
                else:
                    continue
                key = (person, rule_id, holder_a.post, holder_b.post)
                entry = found.setdefault(key, {"a": holder_a, "b": holder_b, "periods": [], "sources": []})
                entry["periods"].append(show_period(shared))
                entry["sources"] += [s for s in (first.source, second.source) if s]
    out = []
    for (person, rule_id, _, _), entry in found.items():
        rule, a, b = rules[rule_id], entry["a"], entry["b"]
        name = a.name
        employee_id = a.employee_id or b.employee_id or inputs.roster.written_id(person)
        fix = _text("conflicts_fix_person", params={"person": name, "post_a": a.post_label, "post_b": b.post_label})
        out.append(
            Conflict(
                kind="person",
                rule_id=rule.id,
                area=rule.area,
                severity=rule.severity,
                person=name,
                employee_id=employee_id,
                posts=(a.post_label, b.post_label),
                duty_a=rule.duty_a,
                duty_b=rule.duty_b,
                duty_a_en=rule.duty_a,
                duty_b_en=rule.duty_b,
                basis=rule.basis,
                basis_en=rule.basis_en or rule.basis,
                fix=fix[0],
                fix_en=fix[1],
                period="；".join(_unique(p for p in entry["periods"] if p)),
                sources=tuple(_unique(entry["sources"])),
            )
        )
    return out


def control_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Kind 'control': two roles of one control on the same post, or on posts one person holds."""
    roster = inputs.roster
    by_post: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        by_post[a.post].append(a)
    out = []
    for control in inputs.controls:
        # Each role's posts by their normalised form, worked out once for all the rules.
        keys = {role: {normalize_post(p): p for p in posts} for role, posts in control.roles.items() if posts}
        for rule in inputs.library.matrix_rules:
            keys_a, keys_b = keys.get(rule.role_a), keys.get(rule.role_b)
            if not keys_a or not keys_b:
                continue
            (la, la_en), (lb, lb_en) = _role_label(rule.role_a), _role_label(rule.role_b)
            for post in keys_a.keys() & keys_b.keys():
                holders = by_post.get(post, [])
                fix = _text(
                    "conflicts_fix_control_post",
                    params={
                        "control": control.control_id,
                        "role_a": la,
                        "role_b": lb,
                        "role_a_en": la_en,
                        "role_b_en": lb_en,
                    },
                )
                out.append(
                    Conflict(
                        kind="control",
                        rule_id=rule.id,
                        area=control.area,
                        severity=rule.severity,
                        person="、".join(_unique(h.name for h in holders)),
                        employee_id="、".join(_unique(h.employee_id for h in holders if h.employee_id)),
                        posts=(keys_a[post],),
                        duty_a=la,
                        duty_b=lb,
                        duty_a_en=la_en,
                        duty_b_en=lb_en,
                        basis=rule.basis,
                        basis_en=rule.basis_en,
                        fix=fix[0],
                        fix_en=fix[1],
                        reference=control.control_id,
                        sources=(control.source,) if control.source else (),
                    )
                )
            seen: set[tuple[str, str, str]] = set()
            for post_a in keys_a:
                for post_b in keys_b:
                    if post_a == post_b:
                        continue
                    for ha in by_post.get(post_a, []):
                        for hb in by_post.get(post_b, []):
                            if ha.person != hb.person or overlap(ha.period, hb.period) is None:
                                continue
                            if (ha.person, post_a, post_b) in seen:
                                continue
                            seen.add((ha.person, post_a, post_b))
                            fix = _text(
                                "conflicts_fix_control_person",
                                params={
                                    "control": control.control_id,
                                    "role_a": la,
                                    "role_b": lb,
                                    "role_a_en": la_en,
                                    "role_b_en": lb_en,
                                    "post_a": ha.post_label,
                                    "post_b": hb.post_label,
                                },
                            )
                            out.append(
                                Conflict(
                                    kind="control",
                                    rule_id=rule.id,
                                    area=control.area,
                                    severity=rule.severity,
                                    person=ha.name,
                                    employee_id=ha.employee_id or hb.employee_id or roster.written_id(ha.person),
                                    posts=(ha.post_label, hb.post_label),
                                    duty_a=la,
                                    duty_b=lb,
                                    duty_a_en=la_en,
                                    duty_b_en=lb_en,
                                    basis=rule.basis,
                                    basis_en=rule.basis_en,
                                    fix=fix[0],
                                    fix_en=fix[1],
                                    reference=control.control_id,
                                    period=show_period(overlap(ha.period, hb.period)),  # type: ignore[arg-type]
                                    sources=tuple(_unique(s for s in (control.source, ha.source, hb.source) if s)),
                                )
                            )
    return out


def same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two (name, id) cells name the same person: ids decide when both are given, else names."""
    id_a, id_b = normalize_id(a[1]), normalize_id(b[1])
    if id_a and id_b:
        return id_a == id_b
    return bool(normalize_name(a[0])) and normalize_name(a[0]) == normalize_name(b[0])


def transaction_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Kind 'transaction': one person in both roles of a log rule on the same voucher."""
    roster = inputs.roster
    by_person = roster.by_person()
    out = []
    for t in inputs.transactions:
        for rule in inputs.library.log_rules:
            a, b = t.people.get(rule.role_a), t.people.get(rule.role_b)
            if a is None or b is None or not same_person(a, b):
                continue
            name, given_id = tidy_name(a[0]), a[1] or b[1]
            uncertain = not (a[1] and b[1]) and roster.namesakes(name)
            identity = roster.identity(name, given_id) if not uncertain else ""
            held = by_person.get(identity, [])
            employee_id = given_id or roster.written_id(identity)
            (la, la_en), (lb, lb_en) = _role_label(rule.role_a), _role_label(rule.role_b)
            fix = _text(
                "conflicts_fix_transaction",
                params={
                    "voucher": t.voucher,
                    "person": name,
                    "role_a": la,
                    "role_b": lb,
                    "role_a_en": la_en,
                    "role_b_en": lb_en,
                },
            )
            if uncertain:
                note = _text("conflicts_note_namesake")
                fix = (fix[0] + note[0], fix[1] + note[1])
            out.append(
                Conflict(
                    kind="transaction",
                    rule_id=rule.id,
                    area=rule.area,
                    severity=rule.severity,
                    person=name,
                    employee_id=employee_id,
                    posts=tuple(_unique(h.post_label for h in held)),
                    duty_a=la,
                    duty_b=lb,
                    duty_a_en=la_en,
                    duty_b_en=lb_en,
                    basis=rule.basis,
                    basis_en=rule.basis_en,
                    fix=fix[0],
                    fix_en=fix[1],
                    reference=t.voucher,
                    period=t.date,
                    sources=(t.source,) if t.source else (),
                    uncertain=uncertain,
                )
            )
    return out


def find_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Every conflict of the four kinds, most severe first, then by kind, area, rule, person."""
    found = (
        post_conflicts(inputs) + person_conflicts(inputs) + control_conflicts(inputs) + transaction_conflicts(inputs)
    )
    areas = {a.code: i for i, a in enumerate(default_methodology().areas)}
    return sorted(
        found,
        key=lambda c: (
            SEVERITIES.index(c.severity),
            KINDS.index(c.kind),
            areas.get(c.area, 99),
            c.rule_id,
            c.person,
            c.reference,
            c.posts,
        ),
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
