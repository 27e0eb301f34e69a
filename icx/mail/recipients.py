"""Who gets what: committee members and unit contacts by unit code, from .xlsx or .toml.

An .xlsx holds one row per person on a sheet 收件人 (or any sheet with the headers of the
``recipients`` table in ``sheets.toml``): 角色, 单位编码, 单位名称, 姓名, 电子邮箱. Without a
角色 column every row is a unit contact, so the consolidation roster works as it is.

A .toml holds ``[[committee]]`` entries (name, email) and ``[[units]]`` entries (code, name,
contact, email — one address or a list). Every address is validated; a bad row is reported
with its cell and left out, the others still count.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icx import i18n
from icx.core.codes import code_key  # the one rule for comparing codes (also re-exported here)
from icx.core.errors import IcxError, Problem
from icx.core.methodology import normalize_word
from icx.core.parsing import is_blank
from icx.io.grid import load_grid
from icx.io.specs import sheet_names
from icx.io.table import read_table, text_of
from icx.mail.addresses import BadAddress, check_address, one_line, split_addresses

COMMITTEE, UNIT = "committee", "unit"


@dataclass(frozen=True)
class Contact:
    name: str
    address: str


@dataclass
class Unit:
    code: str
    name: str
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Recipients:
    committee: list[Contact] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)  # code_key → unit
    problems: list[Problem] = field(default_factory=list)

    def unit(self, code: Any) -> Unit | None:
        return self.units.get(code_key(code))

    def add_committee(self, contact: Contact) -> None:
        if all(c.address.lower() != contact.address.lower() for c in self.committee):
            self.committee.append(contact)

    def add_unit_contact(self, code: str, name: str, contact: Contact) -> None:
        unit = self.units.setdefault(code_key(code), Unit(code, name))
        if not unit.name and name:
            unit.name = name
        if all(c.address.lower() != contact.address.lower() for c in unit.contacts):
            unit.contacts.append(contact)


def _role_words() -> dict[str, str]:
    words = i18n.section("mail_recipient_roles")
    return {normalize_word(w): role for role in (COMMITTEE, UNIT) for w in words.get(role, [])}


def classify_role(value: Any) -> str | None:
    """'委员会' → committee, '单位' or blank → unit, anything else → None."""
    text = normalize_word(text_of(value))
    if not text:
        return UNIT
    return _role_words().get(text)


def clean_code(value: Any) -> str | None:
    """A unit code as written, or None when it holds line breaks or control characters."""
    text = text_of(value)
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in text):
        return None
    return text.strip()


def parse_addresses(value: Any) -> list[str]:
    """Every address in a cell, or BadAddress if any part is not one (the whole cell is refused,
    so 'a@x.cn\\nBcc: b@y.cn' adds nobody)."""
    parts = split_addresses(value)
    if not parts:
        raise BadAddress("")
    return [check_address(p) for p in parts]


def load_recipients(path: str | Path) -> Recipients:
    """Recipients from an .xlsx/.xlsm or .toml file; problems are collected on the result.

    Raises ``IcxError`` only when the file cannot be read at all.
    """
    path = Path(path)
    if path.suffix.lower() == ".toml":
        return _from_toml(path)
    return _from_workbook(path)


def _add_row(
    result: Recipients,
    *,
    role_value: Any,
    code_value: Any,
    unit_name: Any,
    name: Any,
    email: Any,
    where: dict[str, Any],
    email_where: dict[str, Any],
) -> None:
    role = classify_role(role_value)
    if role is None:
        accepted = " / ".join(
            i18n.section("mail_recipient_roles").get(COMMITTEE, [])[:1]
            + i18n.section("mail_recipient_roles").get(UNIT, [])[:1]
        )
        result.problems.append(
            Problem.of("mail_role_invalid", given=text_of(role_value), params={"accepted": accepted}, **where)
        )
        return
    try:
        addresses = parse_addresses(email)
    except BadAddress:
        result.problems.append(Problem.of("mail_address_invalid", given=text_of(email), **email_where))
        return
    person = one_line(name)
    if role == COMMITTEE:
        for address in addresses:
            result.add_committee(Contact(person, address))
        return
    code = clean_code(code_value)
    if code is None:
        result.problems.append(Problem.of("mail_unit_code_invalid", given=one_line(code_value), **where))
        return
    if not code:
        result.problems.append(Problem.of("mail_unit_code_missing", given=addresses[0], **where))
        return
    for address in addresses:
        result.add_unit_contact(code, one_line(unit_name), Contact(person, address))


def _from_workbook(path: Path) -> Recipients:
    book = load_grid(path)
    result = Recipients()
    grid = book.sheet(*sheet_names("recipients"))
    candidates = [grid] if grid is not None else list(book.sheets.values())
    table = None
    for candidate in candidates:
        attempt = read_table(candidate, "recipients", file=str(path))
        if attempt.header_row >= 0:
            table = attempt
            break
    if table is None:
        zh, en = sheet_names("recipients")
        raise IcxError(Problem.of("mail_recipients_no_table", params={"sheet": zh, "accepted": en}, file=str(path)))
    result.problems.extend(table.problems)
    for row_number, row in table.frame.iterrows():

        def where(key: str) -> dict[str, Any]:
            cell = table.cell(int(row_number), key) if key in table.columns else None
            return {"file": str(path), "sheet": table.sheet, "cell": cell, "row": int(row_number)}

        def get(key: str) -> Any:  # pandas may hand a blank cell over as NaN
            value = row.get(key)
            return None if is_blank(value) else value

        _add_row(
            result,
            role_value=get("role"),
            code_value=get("unit_code"),
            unit_name=get("unit_name"),
            name=get("name"),
            email=get("email"),
            where=where("unit_code" if "unit_code" in table.columns else "email"),
            email_where=where("email"),
        )
    return result


def _from_toml(path: Path) -> Recipients:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IcxError(
            Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=str(path))
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IcxError(Problem.of("mail_config_not_toml", params={"detail": str(exc)}, file=str(path))) from exc
    result = Recipients()
    committee_word = i18n.section("mail_recipient_roles")[COMMITTEE][0]
    for section, role in (("committee", committee_word), ("units", "")):
        entries = data.get(section, [])
        if not isinstance(entries, list):
            result.problems.append(
                Problem.of("mail_recipients_toml_shape", params={"section": section}, file=str(path))
            )
            continue
        for i, entry in enumerate(entries, start=1):
            where = {"file": str(path), "row": f"{section}[{i}]"}
            if not isinstance(entry, dict):
                result.problems.append(Problem.of("mail_recipients_toml_shape", params={"section": section}, **where))
                continue
            email = entry.get("email", "")
            if isinstance(email, list):
                email = ";".join(str(e) for e in email)
            _add_row(
                result,
                role_value=role,
                code_value=entry.get("code", ""),
                unit_name=entry.get("name", ""),
                name=entry.get("contact", entry.get("name", "")) if role == "" else entry.get("name", ""),
                email=email,
                where={**where, "field": "code"},
                email_where={**where, "field": "email"},
            )
    return result
