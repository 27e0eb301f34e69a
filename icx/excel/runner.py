"""How a ribbon macro runs in Excel: one runner for every button.

- It shows what is being done in Excel's status bar and always gives the bar back, also after a
  failure (xlwings' own "Running..." is cleared with it).
- A problem with the workbook (``IcxError``) is told in a message box, problem by problem.
- Any other exception is caught too: its traceback goes to a log file (``~/.icx/logs/excel.log``,
  or under ``ICX_HOME``) and the user reads a short Chinese message saying what to do and where
  the log is, never a traceback.
- When Excel cannot even be reached, the message is written to stderr and Python exits with 1:
  that is what xlwings' RunPython shows in its own message box.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn, TypeVar

from icx import __version__, i18n
from icx.core.errors import IcxError, Problem
from icx.core.problem_list import grouped
from icx.excel.port import WorkbookPort

T = TypeVar("T")
LOG_NAME = "excel.log"
LOG_LIMIT = 1_000_000  # bytes; a longer log is moved to excel.log.1 (one generation kept)
SHOW_PROBLEMS = 12  # problems listed in a message box; the sheet has all of them
ERROR_TEXT_LIMIT = 300  # characters of an unexpected error shown to the user (the log has all)


def icx_home() -> Path:
    return Path(os.environ.get("ICX_HOME") or Path.home() / ".icx")


def log_file() -> Path:
    return icx_home() / "logs" / LOG_NAME


def log_exception(context: str) -> Path:
    """Append the exception being handled, with its traceback, to the log; the log's path."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > LOG_LIMIT:
        os.replace(path, path.with_name(LOG_NAME + ".1"))
    with path.open("a", encoding="utf-8") as fh:
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        fh.write(f"--- {stamp} icx {__version__} {context}\n{traceback.format_exc()}\n")
    return path


def problems_text(problems: Iterable[Problem], lang: i18n.Lang) -> str:
    """The first problems as lines of text (grouped as every list of problems), with how many more."""
    listed = grouped(problems)
    lines = [p.render(lang) for p in listed[:SHOW_PROBLEMS]]
    if len(listed) > SHOW_PROBLEMS:
        lines.append(i18n.text("excel_more_problems", lang, count=len(listed) - SHOW_PROBLEMS))
    return "\n".join(lines)


def fail_to_excel(message: str) -> NoReturn:
    """Say ``message`` when there is no workbook to say it in: RunPython shows what Python wrote to
    stderr in a message box when Python exits with an error."""
    sys.stderr.write(message + "\n")
    raise SystemExit(1)


def _quietly(action: Callable[[], None]) -> None:
    """The status bar is a courtesy: a failure to set it never hides the macro's own outcome."""
    try:
        action()
    except Exception:
        log_exception("status bar")


def run(port: WorkbookPort, lang: i18n.Lang, title: str, work: Callable[[WorkbookPort], T]) -> T | None:
    """Run one macro's ``work`` on the workbook; nothing raises into Excel."""
    _quietly(lambda: port.status(i18n.text("excel_working", lang, title=title)))
    try:
        return work(port)
    except IcxError as exc:
        _tell(port, i18n.text("excel_failed", lang) + "\n" + problems_text(list(exc.problems), lang), title)
    except Exception as exc:
        log = log_exception(title)
        error = f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
        _tell(port, i18n.text("excel_crashed", lang, title=title, error=error, log=log), title)
    finally:
        _quietly(lambda: port.status(None))
    return None


def _tell(port: WorkbookPort, message: str, title: str) -> None:
    try:
        port.tell(message)
    except Exception:  # Excel did not take the message box: RunPython shows stderr instead
        log = str(log_exception(f"{title}: message box"))
        fail_to_excel(message if log in message else message + "\n" + log)
