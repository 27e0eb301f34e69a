"""Who holds which post, and when: matching people robustly and overlapping their assignments.

People are written by hand in several places (the person → post table, a transaction log), so
the same person may appear as "张伟", "张 伟" or "张　伟" (a full-width space), and two different
people may share a name. A person is therefore known by their employee id (工号) when one is
given; names are compared after NFKC, without any spaces, with the middle dots of minority
names unified. A name without an id that several ids share is ambiguous and said so.

Dates: an assignment runs from ``start`` to ``end``, both days included; a blank end means "still
holds the post" and a blank start "since before the records". Two assignments overlap when they
share at least one day, so handing a post over on 6-30 and taking the other on 6-30 overlaps;
6-30 → 7-01 does not.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from icx.core.acceptance import rules
from icx.core.dates import as_date, show
from icx.core.errors import Problem
from icx.core.parsing import is_blank

if TYPE_CHECKING:
    from icx.core.rows import Rows

DOTS = re.compile(r"[·•・･‧∙⋅.]")
_PERSON = rules()["person"]  # icx/data/acceptance.toml: how a person (or post) cell is written
_OPEN = re.escape("".join(pair[0] for pair in _PERSON["brackets"]))
_CLOSE = re.escape("".join(pair[1] for pair in _PERSON["brackets"]))
SEPARATORS = re.compile(f"[{re.escape(''.join(_PERSON['separators']))}]+")
# "出纳（代理）", "出纳(代)", "出纳 (acting)": an acting assignment written in the post cell.
ACTING_MARK = re.compile(
    rf"\s*[{_OPEN}]\s*(?:{'|'.join(map(re.escape, _PERSON['acting']))})\s*[{_CLOSE}]\s*$", re.IGNORECASE
)
# "张伟（0012）", "张伟 [0012]": a name with its employee id, as transaction logs often write it.
NAME_WITH_ID = re.compile(rf"^(?P<name>.+?)\s*[{_OPEN}]\s*(?P<id>[0-9A-Za-z\-_]+)\s*[{_CLOSE}]$")

YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "启用", "有效", "代理", "是的", "对", "t"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "停用", "不启用", "禁用", "无效", "不是", "f"}

DAY_MIN, DAY_MAX = dt.date.min, dt.date.max


def cell_text(value: Any) -> str:
    """A cell as trimmed text: 12.0 → '12', None → ''."""
    if value.__class__ is str:  # most cells: no other test needed
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# Names, ids and posts repeat in every sheet that mentions a person (the roster, each control's
# posts, each voucher): each distinct text is normalised once per process, in a bounded cache.
TEXT_CACHE = 65536


def tidy_name(value: Any) -> str:
    """A name to show: NFKC, no padding between Chinese characters ("李　娜" → "李娜"), single
    spaces elsewhere ("John  Smith" → "John Smith")."""
    return _tidy_name(cell_text(value))


@lru_cache(maxsize=TEXT_CACHE)
def _tidy_name(text: str) -> str:
    text = CJK_GAP.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def normalize_name(value: Any) -> str:
    """Canonical form of a person's name: NFKC, no spaces of any width, unified dots, lower case."""
    return _normalize_name(cell_text(value))


@lru_cache(maxsize=TEXT_CACHE)
def _normalize_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return DOTS.sub("·", "".join(text.split())).lower()


def normalize_id(value: Any) -> str:
    """Canonical employee id: NFKC, no spaces, upper case; all-digit ids lose leading zeros
    (a sheet that stores 0012 as a number shows 12)."""
    return _normalize_id(cell_text(value))


@lru_cache(maxsize=TEXT_CACHE)
def _normalize_id(text: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if text.isdigit():
        return text.lstrip("0") or "0"
    return text


def normalize_post(value: Any) -> str:
    """Canonical form of a post name (岗位): NFKC, no spaces, lower case."""
    return _normalize_post(cell_text(value))


@lru_cache(maxsize=TEXT_CACHE)
def _normalize_post(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def split_cell(value: Any) -> list[str]:
    """Several entries written in one cell ("出纳、会计") as a list of trimmed texts."""
    return list(_split_cell(cell_text(value)))


@lru_cache(maxsize=TEXT_CACHE)
def _split_cell(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in SEPARATORS.split(text) if part.strip())


def as_flag(value: Any) -> bool | None:
    """是/否 written any common way → True/False; None when it is neither (blank included)."""
    text = "".join(unicodedata.normalize("NFKC", cell_text(value)).split()).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def split_name_id(value: Any) -> tuple[str, str]:
    """'张伟（0012）' → ('张伟', '0012'); '张伟' → ('张伟', '')."""
    text = cell_text(value)
    found = NAME_WITH_ID.match(unicodedata.normalize("NFKC", text))
    if found:
        return found.group("name").strip(), found.group("id")
    return text, ""


def overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The shared days of two closed intervals, or None when they share none."""
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def show_period(period: tuple[dt.date, dt.date]) -> str:
    """'2026-01-01 ~ 2026-03-31'; open ends stay empty ('~ 2026-03-31', '2026-01-01 ~')."""
    start = show(period[0]) if period[0] != DAY_MIN else ""
    end = show(period[1]) if period[1] != DAY_MAX else ""
    if not start and not end:
        return ""
    return f"{start} ~ {end}".strip()


@dataclass(frozen=True)
class Assignment:
    """One row of the person → post table, read."""

    person: str  # identity key (see Roster.identity)
    name: str  # as written, tidied for display (tidy_name)
    employee_id: str  # as written, '' when none
    post: str  # normalised post
    post_name: str  # as written, without an acting mark
    start: dt.date = DAY_MIN
    end: dt.date = DAY_MAX
    acting: bool = False
    row: Any = None
    source: str = ""

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)

    @property
    def post_label(self) -> str:
        return f"{self.post_name}（代理）" if self.acting else self.post_name


@dataclass
class Roster:
    """Everyone's post assignments, with identities resolved once."""

    assignments: list[Assignment] = field(default_factory=list)
    ids_by_name: dict[str, set[str]] = field(default_factory=dict)  # normalised name → normalised ids
    written_ids: dict[str, str] = field(default_factory=dict)  # normalised id → id as written

    def by_person(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            out[a.person].append(a)
        return dict(out)

    def holders(self, post: str) -> list[Assignment]:
        return [a for a in self.assignments if a.post == post]

    def posts(self) -> set[str]:
        return {a.post for a in self.assignments}

    def written_id(self, identity: str) -> str:
        """The employee id as the sheet writes it, for an identity key ('' for a name-only key)."""
        return self.written_ids.get(identity[3:], identity[3:]) if identity.startswith("id:") else ""

    def namesakes(self, name: Any) -> bool:
        """True when two or more people (different ids) share this name."""
        return len(self.ids_by_name.get(normalize_name(name), ())) > 1

    def identity(self, name: Any, employee_id: Any = "") -> str:
        """The key of the person written as ``name`` (and ``employee_id``): 'id:…' when the id is
        given or the name has exactly one id in the roster, else 'name:…'."""
        key_id = normalize_id(employee_id)
        if key_id:
            return f"id:{key_id}"
        ids = self.ids_by_name.get(normalize_name(name), set())
        if len(ids) == 1:
            return f"id:{next(iter(ids))}"
        return f"name:{normalize_name(name)}"


def read_roster(table: Rows) -> tuple[Roster, list[Problem]]:
    """The person → post table (catalogue keys ``person_posts``) → a Roster and its problems.

    Problems carry ``row`` (a sheet row) and ``field`` (a column key). Bad dates
    are reported and treated as open, so a possible conflict is never hidden by a typo.
    """
    problems: list[Problem] = []
    roster = Roster()
    records = table.records()
    get = lambda r, k: records[r].get(k)  # noqa: E731
    # First pass: which ids each name has, and which names each id has.
    names_of_id: dict[str, set[str]] = defaultdict(set)
    for r in table.sheet_rows:
        name, key_id = normalize_name(get(r, "person")), normalize_id(get(r, "employee_id"))
        if name and key_id:
            roster.ids_by_name.setdefault(name, set()).add(key_id)
            names_of_id[key_id].add(name)
            roster.written_ids.setdefault(key_id, cell_text(get(r, "employee_id")))
    for key_id, names in names_of_id.items():
        if len(names) > 1:
            rows = [r for r in table.sheet_rows if normalize_id(get(r, "employee_id")) == key_id]
            problems.append(
                Problem.of(
                    "conflicts_id_names_differ",
                    given=key_id,
                    params={"names": "、".join(sorted(names))},
                    severity="warning",
                    row=rows[-1],
                    field="employee_id",
                )
            )
    for r in table.sheet_rows:
        name_text, post_text = cell_text(get(r, "person")), cell_text(get(r, "post"))
        if not name_text or not post_text:
            for key, text in (("person", name_text), ("post", post_text)):
                if not text:
                    problems.append(
                        Problem.of(
                            "conflicts_required_blank",
                            params={"column": _column_name("person_posts", key)},
                            row=r,
                            field=key,
                        )
                    )
            continue
        id_text = cell_text(get(r, "employee_id"))
        if not id_text and roster.namesakes(name_text):
            problems.append(
                Problem.of("conflicts_namesake_no_id", given=name_text, severity="warning", row=r, field="employee_id")
            )
        acting = False
        if ACTING_MARK.search(post_text):
            acting, post_text = True, ACTING_MARK.sub("", post_text)
        flag_value = get(r, "acting")
        if not is_blank(flag_value):
            flag = as_flag(flag_value)
            if flag is None:
                problems.append(
                    Problem.of(
                        "conflicts_flag_invalid",
                        given=flag_value,
                        params={"column": _column_name("person_posts", "acting")},
                        row=r,
                        field="acting",
                    )
                )
            else:
                acting = acting or flag
        start = _date(get, r, "date_from", problems) or DAY_MIN
        end = _date(get, r, "date_to", problems) or DAY_MAX
        if start > end:
            problems.append(
                Problem.of(
                    "conflicts_dates_reversed", params={"start": show(start), "end": show(end)}, row=r, field="date_to"
                )
            )
            start, end = end, start  # still checked: a reversed pair is most likely swapped by hand
        if acting and end == DAY_MAX:
            problems.append(
                Problem.of("conflicts_acting_open", given=name_text, severity="warning", row=r, field="date_to")
            )
        roster.assignments.append(
            Assignment(
                person=roster.identity(name_text, id_text),
                name=tidy_name(name_text),
                employee_id=id_text,
                post=normalize_post(post_text),
                post_name=post_text,
                start=start,
                end=end,
                acting=acting,
                row=r,
                source=cell_text(get(r, "source")),
            )
        )
    return roster, problems


def _date(get: Any, r: Any, key: str, problems: list[Problem]) -> dt.date | None:
    value = get(r, key)
    if is_blank(value):
        return None
    day = as_date(value)
    if day is None:
        problems.append(Problem.of("conflicts_date_invalid", given=value, row=r, field=key))
    return day


def _column_name(table: str, key: str) -> str:
    # The catalogue's Chinese header, for messages ("“姓名”不能为空").
    from icx import i18n

    for spec in i18n.section("columns").get(table, ()):
        if spec["key"] == key:
            return spec["zh"]
    return key
