"""Email addresses and header text that cannot smuggle in extra headers.

Every address that reaches a header or the SMTP envelope passes ``check_address``; every name,
unit name, subject part or file name passes ``one_line``. The email package (policy SMTP) also
refuses CR/LF in a header value, so an injection attempt fails twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MAX_ADDRESS = 254
MAX_LOCAL = 64
MAX_LINE = 200

# RFC 5322 dot-atom for the local part (no quoted strings: nobody in a roster needs them, and
# they are where parser tricks hide).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
LOCAL_PART = re.compile(rf"^{_ATEXT}+(?:\.{_ATEXT}+)*$")
DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
TOP_LABEL = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")
# Separators people put between several addresses in one cell (Chinese ones included).
LIST_SEPARATORS = re.compile(r"[;,，；、\s]+")


class BadAddress(ValueError):
    """Text that is not one plain address such as name@example.gov.cn."""


def one_line(value: Any, limit: int = MAX_LINE) -> str:
    """Text for a header, subject or file name: control characters and line breaks become
    spaces, runs of spaces collapse, and it is cut to ``limit`` characters."""
    text = "" if value is None else str(value)
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    return cleaned[:limit].rstrip()


def check_address(value: Any) -> str:
    """One address, normalised (NFKC so '＠' becomes '@', domain lower case and IDNA-encoded).

    Raises ``BadAddress`` for anything else: display names, several addresses, spaces, line
    breaks, quoted local parts, a domain without a dot.
    """
    raw = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not text or len(text) > MAX_ADDRESS or any(unicodedata.category(ch)[0] in "CZ" for ch in text):
        raise BadAddress(raw)
    local, at, domain = text.rpartition("@")
    if not at or len(local) > MAX_LOCAL or not LOCAL_PART.match(local):
        raise BadAddress(raw)
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise BadAddress(raw) from exc
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels) or not TOP_LABEL.match(labels[-1]):
        raise BadAddress(raw)
    return f"{local}@{ascii_domain}"


def split_addresses(value: Any) -> list[str]:
    """The address-looking parts of a cell that may hold several ('a@x.cn; b@x.cn')."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return [part for part in LIST_SEPARATORS.split(text) if part]


def unique(addresses: Iterable[str]) -> list[str]:
    """Addresses without repeats (compared case-insensitively), first spelling kept."""
    seen: set[str] = set()
    out: list[str] = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            out.append(address)
    return out
