"""Which problems keep a unit out of the totals, and which are listed but counted: ONE table.

A unit is counted only when it can be counted right. A file whose problems include one of
``EXCLUDING`` is listed with that reason and adds nothing to any total, ranking or chart (its
problems are still listed on 问题清单). Everything else is listed and counted: a bad cell leaves
its row out (said at the cell), a stored score that differs is a finding, and so on
(``LISTED_COUNTED``, for the README and the 报送情况 sheet's notes).

Reasons decided over the whole batch (the same code in two files, another period, no code) are
applied by ``icx.consolidate.accounting``; their keys are in ``BATCH_REASONS``. Every reason has
a label ``consolidate_reason_<key>`` in the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from icx.core.errors import Problem

# problem code → (reason the unit is not counted, whether only a problem on the register sheet counts)
EXCLUDING: dict[str, tuple[str, bool]] = {
    # The file could not be read at all (a look-alike format, encrypted, broken, too large…).
    "file_format_unsupported": ("format", False),
    "file_unreadable": ("unreadable", False),
    "file_too_large": ("unreadable", False),
    "file_encrypted_or_xls": ("unreadable", False),
    "file_not_xlsx": ("unreadable", False),
    "file_zip_bomb": ("unreadable", False),
    "sheet_unreadable": ("unreadable", False),
    "consolidate_worker_crashed": ("unreadable", False),
    "consolidate_internal_error": ("unreadable", False),
    # No register, or one that cannot be counted right.
    "register_not_found": ("no_register", False),
    "sheet_missing": ("no_register", True),
    "header_not_found": ("register_incomplete", True),
    "column_missing": ("register_incomplete", True),
    "register_empty": ("register_empty", True),
    "consolidate_register_unscored": ("register_unscored", True),
    # Nothing says which unit sent it (and its file name does not start with a roster code).
    "consolidate_unit_code_missing": ("no_code", False),
}

# Reasons decided over the batch, in the order a file is examined after its own problems.
BATCH_REASONS = ("other_period", "duplicate", "superseded")

# Every not-counted reason, in the order a file is examined: the first that applies is its reason.
REASONS = (
    "format",
    "unreadable",
    "other_period",
    "no_code",
    "duplicate",
    "superseded",
    "no_register",
    "register_incomplete",
    "register_empty",
    "register_unscored",
)

# Problems listed and still counted (the README's table): what happens to the figures.
LISTED_COUNTED: dict[str, str] = {
    "a score cell icx cannot read (text, an Excel error value, a merged cell)": "that risk row is left out",
    "a risk without its id, area or description, or a repeated id": "that risk row is left out",
    "a stored score or level that differs from the recomputed one": "counted with the recomputed value (评分差异)",
    "a code not on the roster": "counted, listed as 名单外单位",
    "no code in the file, but the file name starts with a roster code": "counted under that code (warning)",
    "no period in the file (with --period)": "counted (warning)",
    "a control matrix, duty or self-evaluation problem": "counted; the problem is listed at its cell",
}


def exclusion(problems: Iterable[Problem], register_sheet: str | None) -> tuple[str, Problem] | None:
    """The first problem of ``problems`` that keeps the unit out of the totals, with its reason.

    A problem scoped to the register counts only when it is on ``register_sheet`` (or names the
    register as the missing sheet): a control matrix missing a column does not exclude a unit.
    """
    from icx.io.specs import sheet_names

    register_names = set(sheet_names("register"))
    for problem in problems:
        if problem.severity != "error" or problem.code not in EXCLUDING:
            continue
        reason, register_only = EXCLUDING[problem.code]
        if register_only:
            if problem.code == "sheet_missing":
                if problem.params.get("sheet") not in register_names:
                    continue
            elif register_sheet is None or problem.location.sheet != register_sheet:
                continue
        return reason, problem
    return None


def reason_order(reason: str) -> int:
    return REASONS.index(reason) if reason in REASONS else len(REASONS)
