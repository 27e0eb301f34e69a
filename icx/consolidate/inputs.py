"""Turn the command line's INPUTS (files, folders, globs) into the list of workbooks to read.

Folders are searched recursively for .xlsx/.xlsm; Office lock files (``~$name.xlsx``) and
LibreOffice lock files (``.~lock.name#``) are skipped. A file named explicitly is kept whatever
its suffix, so a unit that sent an .xls is told why it cannot be read instead of being ignored.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from icx.core.errors import Problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
GLOB_CHARS = set("*?[")


def is_lock_file(path: Path) -> bool:
    """Office writes ``~$name.xlsx`` beside an open workbook; it is not a workbook."""
    return path.name.startswith("~$") or path.name.startswith(".~lock.")


def _is_workbook(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES and not is_lock_file(path)


def _folder(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if _is_workbook(p)), key=lambda p: str(p))


def expand_inputs(items: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The workbooks named by ``items``, each once, in a stable order, plus problems for items
    that matched nothing."""
    found: list[Path] = []
    problems: list[Problem] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            matches = _folder(path)
            if not matches:
                problems.append(Problem.of("consolidate_no_workbooks", severity="warning", file=str(path)))
        elif path.is_file():
            matches = [] if is_lock_file(path) else [path]
        elif GLOB_CHARS & set(str(item)):
            matches = []
            for hit in sorted(glob.glob(str(item), recursive=True)):
                hit_path = Path(hit)
                matches += _folder(hit_path) if hit_path.is_dir() else ([hit_path] if _is_workbook(hit_path) else [])
            if not matches:
                problems.append(
                    Problem.of(
                        "consolidate_no_match", params={"pattern": str(item)}, severity="warning", file=str(item)
                    )
                )
        else:
            matches = []
            problems.append(Problem.of("consolidate_input_missing", file=str(path)))
        found += matches
    seen: set[str] = set()
    unique: list[Path] = []
    for path in found:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, problems


def paths_outside(paths: list[Path], excluded: Iterable[str | Path]) -> list[Path]:
    """``paths`` less those that are, or lie in, one of ``excluded`` (the outputs of this run and
    the roster, when they sit among the inputs), compared resolved."""
    skip = [os.path.realpath(e) for e in excluded]
    if not skip:
        return list(paths)
    inside = tuple(s.rstrip(os.sep) + os.sep for s in skip)
    kept = []
    for path in paths:
        real = os.path.realpath(path)  # plain strings: a folder of thousands is resolved quickly
        if real not in skip and not real.startswith(inside):
            kept.append(path)
    return kept
