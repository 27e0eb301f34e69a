"""Per-unit feedback workbooks matched to units by the code their file name starts with.

``FB001-区财政局机关-反馈.xlsx`` belongs to unit FB001: the name starts with the code followed
by '-' or '_'. When codes nest (FB and FB-01), the longest matching code wins. Two files for one
unit are an error for that unit (which one is right?); a unit with contacts but no file, or a
file whose code is not in the recipients, is a warning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from icx.core.errors import IcxError, Problem
from icx.mail.recipients import Recipients

FEEDBACK_SUFFIXES = (".xlsx", ".xlsm", ".pdf")
SEPARATORS = ("-", "_")


@dataclass
class FeedbackFiles:
    files: dict[str, Path] = field(default_factory=dict)  # code_key → file
    problems: list[Problem] = field(default_factory=list)


def code_of_file(name: str, codes: list[str]) -> str | None:
    """The longest code (a ``code_key``) that the file name starts with, followed by - or _."""
    text = unicodedata.normalize("NFKC", name).casefold()
    matches = [c for c in codes if c and any(text.startswith(c + sep) for sep in SEPARATORS)]
    return max(matches, key=len) if matches else None


def match_feedback(folder: str | Path, recipients: Recipients) -> FeedbackFiles:
    folder = Path(folder)
    if not folder.is_dir():
        raise IcxError(Problem.of("mail_feedback_dir_missing", file=str(folder)))
    result = FeedbackFiles()
    codes = list(recipients.units)
    claimed: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.suffix.lower() not in FEEDBACK_SUFFIXES or path.name.startswith(("~$", ".")):
            continue
        code = code_of_file(path.name, codes)
        if code is None:
            result.problems.append(Problem.of("mail_feedback_unmatched", severity="warning", file=str(path)))
            continue
        claimed.setdefault(code, []).append(path)
    for code, unit in recipients.units.items():
        paths = claimed.get(code, [])
        if len(paths) > 1:
            result.problems.append(
                Problem.of(
                    "mail_feedback_ambiguous",
                    params={"code": unit.code, "files": "、".join(p.name for p in paths)},
                    file=str(folder),
                )
            )
        elif paths:
            result.files[code] = paths[0]
        else:
            result.problems.append(
                Problem.of(
                    "mail_feedback_missing",
                    params={"code": unit.code, "name": unit.name or unit.code},
                    severity="warning",
                    file=str(folder),
                )
            )
    return result
