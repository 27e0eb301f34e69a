"""How identifiers typed by people are compared: unit codes, risk ids, checklist item ids.

A code typed in Excel can arrive in full width (ＦＢ００３), with a zero-width space or a stray
control character pasted in, in another case, or with spaces around it. Two codes are the same
when their keys are equal. Every place that compares codes (consolidation, email, history)
uses ``code_key``; what is shown to people stays as they typed it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Characters that never belong to a code: format characters (Cf: zero-width space and joiner,
# bidi marks, BOM) and control characters (Cc).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})


def clean_code(value: Any) -> str:
    """The code as text without invisible characters or surrounding spaces (NFKC: full-width
    letters and digits become ASCII); '' for a blank cell. Case is kept: this is what is shown."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number (1001) is read back by spreadsheets as 1001.0
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES).strip()


def code_key(value: Any) -> str:
    """The key two codes are compared by: ``clean_code`` and case-insensitive (normalised again
    after case folding, which can decompose a letter)."""
    return unicodedata.normalize("NFKC", clean_code(value).casefold())
