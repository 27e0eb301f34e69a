"""Turn the command line's INPUTS (files, folders, globs) into the files to read, and the files
found but skipped.

Folders are searched recursively for workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods: calamine reads
them all) and for files that look like a submission icx cannot read (.et, .csv, .pdf, .docx…:
each is listed as not read, with what to do). Office lock files (``~$name.xlsx``), LibreOffice
lock files (``.~lock.name#``) and hidden files (a name starting with '.', or inside a hidden
folder, as macOS's ``._name.xlsx`` and ``__MACOSX``) are skipped and listed as skipped, so the
count of files found adds up. A file named explicitly is kept whatever its suffix, so a unit that
sent another format is told why it cannot be read instead of being ignored.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from icx.core.errors import Problem
from icx.io.grid import LOOKALIKE_SUFFIXES, WORKBOOK_SUFFIXES

FOUND_SUFFIXES = WORKBOOK_SUFFIXES + LOOKALIKE_SUFFIXES
GLOB_CHARS = set("*?[")
HIDDEN_FOLDERS = ("__MACOSX",)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found among the inputs and not read: ``reason`` is one of ``SKIP_REASONS``."""

    file: str
    reason: str


SKIP_REASONS = ("lock", "hidden", "icx_output", "roster")


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)  # to read, each once, in a stable order
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_lock_file(path: Path) -> bool:
    """Office writes ``~$name.xlsx`` beside an open workbook, LibreOffice ``.~lock.name#``."""
    return path.name.startswith("~$") or path.name.startswith(".~lock.")


def is_hidden(path: Path, root: Path | None = None) -> bool:
    """A hidden file, or a file in a hidden folder below ``root`` (the folder given)."""
    parts = path.relative_to(root).parts if root is not None else (path.name,)
    return any(p.startswith(".") or p in HIDDEN_FOLDERS for p in parts)


def _suffix(path: Path) -> str:
    name = path.name.rstrip("#") if path.name.startswith(".~lock.") else path.name
    return Path(name).suffix.lower()


def _classify(path: Path, root: Path | None) -> str | None:
    """None to read ``path``, else why it is skipped."""
    if is_lock_file(path):
        return "lock"
    if is_hidden(path, root):
        return "hidden"
    return None


def _folder(folder: Path, out: Inputs) -> int:
    found = sorted((p for p in folder.rglob("*") if p.is_file() and _suffix(p) in FOUND_SUFFIXES), key=str)
    for path in found:
        reason = _classify(path, folder)
        if reason is None:
            out.files.append(path)
        else:
            out.skipped.append(Skipped(str(path), reason))
    return len(found)


def find_inputs(items: Iterable[str | Path]) -> Inputs:
    """The files named by ``items``: those to read, those skipped, and problems for items that
    matched nothing."""
    out = Inputs()
    for item in items:
        path = Path(item)
        if path.is_dir():
            if not _folder(path, out):
                out.problems.append(Problem.of("consolidate_no_workbooks", severity="warning", file=str(path)))
        elif path.is_file():
            reason = "lock" if is_lock_file(path) else None
            if reason is None:
                out.files.append(path)
            else:
                out.skipped.append(Skipped(str(path), reason))
        elif GLOB_CHARS & set(str(item)):
            before = len(out.files) + len(out.skipped)
            for hit in sorted(glob.glob(str(item), recursive=True)):
                hit_path = Path(hit)
                if hit_path.is_dir():
                    _folder(hit_path, out)
                elif hit_path.is_file() and _suffix(hit_path) in FOUND_SUFFIXES:
                    reason = _classify(hit_path, None)
                    if reason is None:
                        out.files.append(hit_path)
                    else:
                        out.skipped.append(Skipped(str(hit_path), reason))
            if len(out.files) + len(out.skipped) == before:
                out.problems.append(
                    Problem.of(
                        "consolidate_no_match", params={"pattern": str(item)}, severity="warning", file=str(item)
                    )
                )
        else:
            out.problems.append(Problem.of("consolidate_input_missing", file=str(path)))
    out.files = _unique(out.files)
    seen = {os.path.realpath(p) for p in out.files}
    skipped: list[Skipped] = []
    for s in out.skipped:
        key = os.path.realpath(s.file)
        if key not in seen:
            seen.add(key)
            skipped.append(s)
    out.skipped = skipped
    return out


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[str] = set()
    unique: list[Path] = []
    for path in paths:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def expand_inputs(items: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read named by ``items``, each once, in a stable order, plus problems for items
    that matched nothing (skipped files left out: ``find_inputs`` lists them)."""
    found = find_inputs(items)
    return found.files, found.problems


def is_inside(path: str | Path, excluded: Iterable[str | Path]) -> bool:
    """Whether ``path`` is, or lies in, one of ``excluded`` (compared resolved)."""
    real = os.path.realpath(path)
    for e in excluded:
        skip = os.path.realpath(e)
        if real == skip or real.startswith(skip.rstrip(os.sep) + os.sep):
            return True
    return False


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
