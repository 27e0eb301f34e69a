"""Where every file and every unit of a batch went: counted, not counted (and why), skipped.

``account`` decides, file by file, in the order of ``counting.REASONS`` (the first reason that
applies is the file's): a file that could not be read; a workbook of another period (with
``--period``); a workbook naming no unit (its file name may give the code: it starts with a
roster code, and a warning says so); two files claiming one unit (codes compared by
``code_key``) — none counted until resolved, or with ``--duplicates latest`` the one with the
latest 填报日期, then modification time, the others superseded; then the unit's own problems
that keep it out (``counting.EXCLUDING``). Files found but never read (lock files, hidden files,
icx's own outputs, the roster) are skipped.

The ``Accounting`` holds the lists and the two identities the 概览 sheet shows:
files found = counted + not counted (by reason) + skipped (by reason), and
roster units = counted + not counted (by reason) + not submitted. Pure data; no files.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from icx.consolidate.counting import reason_order
from icx.consolidate.inputs import Skipped
from icx.consolidate.records import UnitResult
from icx.consolidate.roster import Roster
from icx.core.codes import code_key
from icx.core.dates import as_date
from icx.core.errors import Problem

COUNTED, NOT_COUNTED, SKIPPED, NOT_SUBMITTED = "counted", "not_counted", "skipped", "not_submitted"
DUPLICATE_POLICIES = ("list", "latest")
_PERIOD_SUFFIX = re.compile(r"(年度|年|fy|year)$")


def period_key(period: str) -> str:
    """How periods are compared: 2026, ２０２６, '2026年度' and 'FY2026 ' are one period."""
    key = code_key(period).replace(" ", "")
    key = _PERIOD_SUFFIX.sub("", key)
    return key.removeprefix("fy")


@dataclass(slots=True)
class FileEntry:
    """One file found among the inputs and what became of it."""

    file: str
    status: str  # counted | not_counted | skipped
    reason: str = ""  # why not counted (counting.REASONS) or skipped (inputs.SKIP_REASONS)
    result: UnitResult | None = None  # None for a file skipped without being read
    code: str = ""  # the unit it belongs to, as shown (its own code, else one its name starts with)
    kept: str = ""  # for a superseded or duplicate file: the file kept / the other files

    @property
    def key(self) -> str:
        return code_key(self.code)

    @property
    def name(self) -> str:
        return self.result.unit_name if self.result is not None else ""


@dataclass(slots=True)
class UnitEntry:
    """One unit (on the roster, or named by a file) and whether it is counted."""

    code: str
    name: str
    status: str  # counted | not_counted | not_submitted
    reason: str = ""  # for not_counted: the reason of its file that came closest to being counted
    on_roster: bool = True
    files: list[FileEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Identity:
    """``total`` = the sum of ``parts`` ((status, reason, count), in listing order)."""

    name: str  # files | units
    total: int
    parts: tuple[tuple[str, str, int], ...]

    @property
    def holds(self) -> bool:
        return self.total == sum(n for _, _, n in self.parts)


@dataclass
class Accounting:
    files: list[FileEntry] = field(default_factory=list)
    units: list[UnitEntry] = field(default_factory=list)  # roster units first (roster order), then the others
    period: str | None = None
    periods_found: list[str] = field(default_factory=list)  # distinct periods of the files read, as written
    has_roster: bool = False
    duplicates_policy: str = "list"

    def of(self, status: str, reason: str | None = None) -> list[FileEntry]:
        return [f for f in self.files if f.status == status and (reason is None or f.reason == reason)]

    @property
    def counted(self) -> list[FileEntry]:
        return self.of(COUNTED)

    @property
    def not_counted(self) -> list[FileEntry]:
        return self.of(NOT_COUNTED)

    @property
    def skipped(self) -> list[FileEntry]:
        return self.of(SKIPPED)

    @property
    def counted_results(self) -> list[UnitResult]:
        return [f.result for f in self.counted if f.result is not None]

    @property
    def roster_units(self) -> list[UnitEntry]:
        return [u for u in self.units if u.on_roster]

    @property
    def off_roster(self) -> list[UnitEntry]:
        """Counted units whose code is not on the roster (名单外单位); empty without a roster."""
        return [u for u in self.units if not u.on_roster and u.status == COUNTED] if self.has_roster else []

    @property
    def not_submitted(self) -> list[UnitEntry]:
        return [u for u in self.units if u.status == NOT_SUBMITTED]

    def duplicate_groups(self) -> dict[str, list[FileEntry]]:
        """Unit code (as shown) → every file claiming it, when two or more do and a file is listed
        as duplicate or superseded."""
        groups: dict[str, list[FileEntry]] = defaultdict(list)
        for f in self.files:
            if f.kept:  # set on every file of a group claiming one unit
                groups[f.key].append(f)
        return {g[0].code: g for g in groups.values()}

    def file_identity(self) -> Identity:
        parts = [(COUNTED, "", len(self.counted))]
        parts += [(NOT_COUNTED, r, n) for r, n in _by_reason(self.not_counted, reason_order)]
        parts += [(SKIPPED, r, n) for r, n in _by_reason(self.skipped, _skip_order)]
        return Identity("files", len(self.files), tuple(parts))

    def unit_identity(self) -> Identity:
        """Roster units (every unit named by a file, without a roster) = counted + not counted by
        reason + not submitted."""
        units = self.roster_units if self.has_roster else self.units
        counted = [u for u in units if u.status == COUNTED]
        parts = [(COUNTED, "", len(counted))]
        parts += [
            (NOT_COUNTED, r, n) for r, n in _by_reason([u for u in units if u.status == NOT_COUNTED], reason_order)
        ]
        if self.has_roster:
            parts.append((NOT_SUBMITTED, "", len([u for u in units if u.status == NOT_SUBMITTED])))
        return Identity("units", len(units), tuple(parts))

    def counted_identity(self) -> Identity:
        """Counted units = counted roster units + 名单外单位 = counted files (one unit, one file)."""
        on = [u for u in self.units if u.on_roster and u.status == COUNTED]
        return Identity(
            "counted", len(self.counted), ((COUNTED, "roster", len(on)), (COUNTED, "off_roster", len(self.off_roster)))
        )

    def identities(self) -> list[Identity]:
        out = [self.file_identity(), self.unit_identity()]
        if self.has_roster:
            out.append(self.counted_identity())
        return out


def _skip_order(reason: str) -> int:
    from icx.consolidate.inputs import SKIP_REASONS

    return SKIP_REASONS.index(reason) if reason in SKIP_REASONS else len(SKIP_REASONS)


def _by_reason(items: Iterable[FileEntry | UnitEntry], order: object) -> list[tuple[str, int]]:
    counts = Counter(i.reason for i in items)
    return sorted(counts.items(), key=lambda kv: (order(kv[0]), kv[0]))  # type: ignore[operator]


# --- deciding ----------------------------------------------------------------------------------
def account(
    results: Iterable[UnitResult],
    *,
    skipped: Iterable[Skipped] = (),
    roster: Roster | None = None,
    period: str | None = None,
    duplicates: str = "list",
) -> Accounting:
    """Decide what becomes of every file and unit. Adds to each result the problems that say so
    (once: calling it again on the same results adds nothing)."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_POLICIES}")
    out = Accounting(period=period, has_roster=roster is not None, duplicates_policy=duplicates)
    results = sorted(results, key=lambda u: u.file)
    roster_keys = {code_key(e.unit_code): e.unit_code for e in roster.entries} if roster is not None else {}
    out.periods_found = _periods(r for r in results if r.readable and not r.skip)
    wanted = period_key(period) if period else None

    pending: list[FileEntry] = []
    for s in sorted(skipped, key=lambda s: s.file):
        out.files.append(FileEntry(s.file, SKIPPED, s.reason))
    for r in results:
        entry = FileEntry(r.file, NOT_COUNTED, result=r, code=r.unit_code)
        out.files.append(entry)
        if r.skip:
            entry.status, entry.reason = SKIPPED, r.skip
            continue
        if not entry.code:
            from_name = code_from_file_name(r.file, roster_keys)
            if from_name:
                entry.code = from_name
                if r.readable:
                    r.unit_code, r.code_from_name = from_name, True
                    _add(
                        r,
                        Problem.of(
                            "consolidate_code_from_file_name",
                            params={"code": from_name},
                            severity="warning",
                            file=r.file,
                        ),
                    )
        if not r.readable:
            entry.reason = r.exclusion or "unreadable"
        elif wanted is not None and r.period and period_key(r.period) != wanted:
            entry.reason = "other_period"
            _add(r, Problem.of("consolidate_period_differs", params={"given": r.period, "period": period}, file=r.file))
        elif not entry.code:
            entry.reason = "no_code"
            if not any(p.code == "consolidate_unit_code_missing" for p in r.problems):
                _add(r, Problem.of("consolidate_unit_code_missing", file=r.file))
        else:
            if wanted is not None and not r.period:
                _add(
                    r,
                    Problem.of("consolidate_period_blank", params={"period": period}, severity="warning", file=r.file),
                )
            pending.append(entry)

    by_code: dict[str, list[FileEntry]] = defaultdict(list)
    for entry in pending:
        by_code[entry.key].append(entry)
    for group in by_code.values():
        chosen: FileEntry | None = group[0]
        if len(group) > 1:
            chosen = _resolve(group, duplicates)
        if chosen is not None:
            chosen.reason = chosen.result.exclusion if chosen.result is not None else ""
            chosen.status = NOT_COUNTED if chosen.reason else COUNTED

    out.files.sort(key=lambda f: f.file)
    out.units = _units(out.files, roster)
    return out


def _resolve(group: list[FileEntry], policy: str) -> FileEntry | None:
    """Several files claim one unit: with ``latest`` the latest is kept and the others are
    superseded; else none is counted until the office resolves it."""
    names = {id(f): Path(f.file).name for f in group}
    if policy == "latest":
        ordered = sorted(group, key=_recency, reverse=True)
        chosen = ordered[0]
        chosen.kept = "、".join(names[id(f)] for f in ordered[1:])
        for f in ordered[1:]:
            f.reason, f.kept = "superseded", names[id(chosen)]
            if f.result is not None:
                _add(
                    f.result,
                    Problem.of(
                        "consolidate_superseded",
                        params={"code": f.code, "kept": names[id(chosen)]},
                        severity="warning",
                        file=f.file,
                    ),
                )
        return chosen
    for f in group:
        others = "、".join(names[id(o)] for o in group if o is not f)
        f.reason, f.kept = "duplicate", others
        if f.result is not None:
            _add(
                f.result,
                Problem.of("consolidate_duplicate_unit", params={"code": f.code, "others": others}, file=f.file),
            )
    return None


def _recency(entry: FileEntry) -> tuple[dt.date, float, str]:
    r = entry.result
    filled = as_date(r.fill_date) if r is not None and r.fill_date else None
    return (filled or dt.date.min, r.modified if r is not None else 0.0, entry.file)


def _units(files: list[FileEntry], roster: Roster | None) -> list[UnitEntry]:
    by_key: dict[str, list[FileEntry]] = defaultdict(list)
    for f in files:
        if f.status != SKIPPED and f.code:
            by_key[f.key].append(f)
    units: list[UnitEntry] = []
    seen: set[str] = set()
    for e in roster.entries if roster is not None else []:
        key = code_key(e.unit_code)
        seen.add(key)
        units.append(_unit(e.unit_code, e.unit_name, by_key.get(key, []), on_roster=True))
    for key in sorted(k for k in by_key if k not in seen):
        group = by_key[key]
        named = next((f.name for f in group if f.name), "")
        units.append(_unit(group[0].code, named, group, on_roster=roster is None))
    return units


def _unit(code: str, name: str, files: list[FileEntry], *, on_roster: bool) -> UnitEntry:
    if any(f.status == COUNTED for f in files):
        status, reason = COUNTED, ""
    elif files:
        status, reason = NOT_COUNTED, min((f.reason for f in files), key=reason_order)
    else:
        status, reason = NOT_SUBMITTED, ""
    return UnitEntry(code, name, status, reason, on_roster, list(files))


def code_from_file_name(file: str, roster_keys: dict[str, str]) -> str:
    """The roster code ``file``'s name starts with (the longest, followed by no ASCII letter or
    digit: FB001 in 'FB001-财政局.xlsx' and 'FB001财政局.xls', not in 'FB0012.xlsx'); '' if none."""
    name = code_key(unicodedata.normalize("NFKC", Path(file).name))
    best = ""
    for key, code in roster_keys.items():
        if key and name.startswith(key) and len(key) > len(code_key(best)):
            rest = name[len(key) : len(key) + 1]
            if not (rest.isascii() and rest.isalnum()):
                best = code
    return best


def _periods(results: Iterable[UnitResult]) -> list[str]:
    found: dict[str, str] = {}
    for r in results:
        if r.period:
            found.setdefault(period_key(r.period), r.period)
    return [found[k] for k in sorted(found)]


def _add(result: UnitResult, problem: Problem) -> None:
    if not any(p.code == problem.code and p.params == problem.params for p in result.problems):
        result.problems.append(problem)
