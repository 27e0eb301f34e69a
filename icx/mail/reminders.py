"""Rectification reminders: open deficiencies overdue or due soon, grouped per person.

Read from the committee summary's 缺陷整改 sheet (``deficiencies`` table of ``sheets.toml``).
A deficiency is due when it is not rectified and its deadline is on or before
as-of + N days; it is overdue when the deadline is before the as-of date (due *on* the as-of
date is "due today", not overdue). Each person gets one message: the rectification owner, with
the unit contacts of the units concerned in copy; a deficiency whose owner has no valid address
goes to the unit contacts instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from icx.core.dates import as_date
from icx.core.errors import IcxError, Problem
from icx.core.evaluation import default_config
from icx.core.parsing import is_blank
from icx.io.grid import load_grid
from icx.io.specs import columns, sheet_names
from icx.io.table import read_table, text_of
from icx.mail.addresses import BadAddress, check_address, one_line
from icx.mail.recipients import Contact, Recipients


@dataclass(frozen=True)
class Deficiency:
    unit_code: str
    unit_name: str
    deficiency: str
    deadline: date
    item_id: str = ""
    area: str = ""
    grade: str = ""
    rectification: str = ""
    owner: str = ""
    owner_email: str = ""  # validated, or '' when blank/invalid
    status: str = ""
    row: int = 0

    def overdue(self, as_of: date) -> bool:
        return self.deadline < as_of


@dataclass
class Deficiencies:
    items: list[Deficiency] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header(key: str) -> str:
    return next(s.zh for s in columns("deficiencies") if s.key == key)


def is_rectified(status: Any) -> bool:
    """True for a status that closes a deficiency (已整改 and its aliases in the evaluation
    checklist's status list); blank or unknown statuses stay open, so they are reminded."""
    found = default_config().status(status) if text_of(status) else None
    return found is not None and found.code == "done"


def read_deficiencies(path: str | Path) -> Deficiencies:
    """Every deficiency row of the summary's 缺陷整改 sheet; bad rows become problems.

    Raises ``IcxError`` when the file cannot be read or the sheet or its header is missing.
    """
    path = Path(path)
    names = list(sheet_names("deficiencies"))
    book = load_grid(path, sheets=names)
    grid = book.sheet(*names) or load_grid(path).sheet(*names)
    if grid is None:
        raise IcxError(Problem.of("sheet_missing", params={"sheet": names[0], "accepted": names[1]}, file=str(path)))
    table = read_table(grid, "deficiencies", file=str(path))
    if table.header_row < 0 or any(p.severity == "error" for p in table.problems):
        raise IcxError(table.problems)
    result = Deficiencies(problems=list(table.problems))
    for row_number, row in table.frame.iterrows():
        r = int(row_number)

        def at(key: str) -> dict[str, Any]:
            return {
                "file": str(path),
                "sheet": table.sheet,
                "cell": table.cell(r, key) if key in table.columns else None,
            }

        def cell(key: str) -> Any:  # pandas may hand a blank cell over as NaN
            value = row.get(key)
            return None if is_blank(value) else value

        def get(key: str) -> str:
            return one_line(cell(key), 1000)

        code, text = get("unit_code"), get("deficiency")
        if not code:
            result.problems.append(Problem.of("mail_deficiency_no_unit", **at("unit_code")))
            continue
        if not text:
            result.problems.append(
                Problem.of("required_blank", params={"column": _header("deficiency")}, **at("deficiency"))
            )
            continue
        deadline = as_date(cell("deadline"))
        if deadline is None:
            result.problems.append(
                Problem.of("mail_deadline_invalid", given=text_of(cell("deadline")), **at("deadline"))
            )
            continue
        email = ""
        raw_email = text_of(cell("owner_email"))
        if raw_email:
            try:
                email = check_address(raw_email)
            except BadAddress:
                result.problems.append(
                    Problem.of("mail_address_invalid", given=raw_email, severity="warning", **at("owner_email"))
                )
        result.items.append(
            Deficiency(
                unit_code=code,
                unit_name=get("unit_name"),
                deficiency=text,
                deadline=deadline,
                item_id=get("item_id"),
                area=get("area"),
                grade=get("grade"),
                rectification=get("rectification"),
                owner=get("owner"),
                owner_email=email,
                status=get("status"),
                row=r,
            )
        )
    return result


def select_due(items: list[Deficiency], as_of: date, within: int) -> list[Deficiency]:
    """Open deficiencies whose deadline is on or before as-of + ``within`` days, earliest first."""
    last = as_of + timedelta(days=within)
    due = [d for d in items if not is_rectified(d.status) and d.deadline <= last]
    return sorted(due, key=lambda d: (d.deadline, d.unit_code, d.item_id, d.row))


@dataclass
class Reminder:
    """One message: to one person, copying the unit contacts, about these deficiencies."""

    to: Contact
    cc: list[Contact]
    items: list[Deficiency]


def plan_reminders(due: list[Deficiency], recipients: Recipients) -> tuple[list[Reminder], list[Problem]]:
    """Group due deficiencies into one reminder per person.

    The owner's address decides the group; the unit contacts of every unit in the group are
    copied. Without an owner address the unit's first contact is the recipient (the others in
    copy); with neither, the deficiency is reported and not sent.
    """
    groups: dict[str, Reminder] = {}
    problems: list[Problem] = []
    for item in due:
        unit = recipients.unit(item.unit_code)
        contacts = list(unit.contacts) if unit else []
        if item.owner_email:
            to = Contact(item.owner, item.owner_email)
        elif contacts:
            to = contacts[0]
        else:
            problems.append(
                Problem.of(
                    "mail_reminder_no_address",
                    params={
                        "code": item.unit_code,
                        "owner": item.owner or "—",
                        "item": item.item_id or item.deficiency[:30],
                    },
                    row=item.row,
                )
            )
            continue
        if not unit:
            problems.append(
                Problem.of(
                    "mail_reminder_no_unit_contact", params={"code": item.unit_code}, severity="warning", row=item.row
                )
            )
        group = groups.setdefault(to.address.lower(), Reminder(to, [], []))
        if not group.to.name and to.name:
            group.to = to
        group.items.append(item)
        for contact in contacts:
            if contact.address.lower() != to.address.lower() and all(
                c.address.lower() != contact.address.lower() for c in group.cc
            ):
                group.cc.append(contact)
    return list(groups.values()), _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.code, p.message_en) not in seen:
            seen.add((p.code, p.message_en))
            out.append(p)
    return out
