"""Build the icx Excel add-in (icx.xlam) and the macro-enabled unit workbook; install the add-in.

Both start from files the installed xlwings package ships, so their xlwings VBA module matches
the xlwings version Python runs: ``quickstart_addin_ribbon.xlam`` for the add-in, and the
xlwings and Dictionary modules of ``quickstart_standalone.xlsm`` for the workbook. The ribbon
(``customUI14.xml``) and its callback module (``icx_ribbon.bas``) come from
``icx/data/vba_shim/`` (``vba_shim/`` in the repository). VBA modules are written headlessly
with pyopenvba; the ribbon part and its relationship with zipfile (``icx.io.macro_workbook``).
Every built file is checked with pyopenvba's integrity check before it is moved into place.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from icx.core.errors import IcxError, Problem
from icx.io.macro_workbook import keep_ribbon, put_ribbon

ADDIN_NAME = "icx.xlam"
WORKBOOK_NAME = "单位工作簿.xlsm"
RIBBON_MODULE = "icx_ribbon"
ADDIN_TEMPLATE = "quickstart_addin_ribbon.xlam"
STANDALONE_TEMPLATE = "quickstart_standalone.xlsm"
QUICKSTART_RIBBON_MODULE = "RibbonMyAddin"
# The add-in reads xlwings' own settings (xlwings.conf sheet, xlwings.conf beside the workbook,
# the user file the xlwings ribbon writes), so the Interpreter set there applies to icx too.
PROJECT_NAME_LINE = re.compile(r'(Public Const PROJECT_NAME As String = )"[^"]*"')
CONFIG_SHEET = "_xlwings.conf"
MAC_STARTUP = (
    "Library",
    "Group Containers",
    "UBF8T346G9.Office",
    "User Content.localized",
    "Startup.localized",
    "Excel",
)


# --- sources ------------------------------------------------------------------------------------
def shim_dir() -> Path:
    """The VBA shim: customUI14.xml and icx_ribbon.bas."""
    return Path(str(resources.files("icx") / "data" / "vba_shim"))


def ribbon_xml() -> bytes:
    return (shim_dir() / "customUI14.xml").read_bytes()


def ribbon_module_source() -> str:
    """icx_ribbon.bas with the CRLF line ends VBA stores."""
    text = (shim_dir() / f"{RIBBON_MODULE}.bas").read_text(encoding="ascii")
    return "\r\n".join(text.splitlines()) + "\r\n"


def xlwings_file(name: str) -> Path:
    """A file shipped inside the installed xlwings package (its quickstart templates)."""
    import xlwings

    path = Path(xlwings.__file__).parent / name
    if not path.is_file():
        raise IcxError(Problem.of("excel_xlwings_file_missing", params={"name": name, "folder": str(path.parent)}))
    return path


def _office_reference(source: Path) -> tuple[str, int, int, str, str]:
    """GUID, version, path and description of the Office library the xlwings template references
    (IRibbonControl lives there)."""
    from pyopenvba import ExcelFile

    with ExcelFile(source) as wb:
        for ref in wb.references():
            if ref.name == "Office":
                guid, version, _lcid, path, description = ref.libid.removeprefix("*\\G").split("#")[:5]
                major, minor = (int(p, 16) for p in version.split("."))
                return guid, major, minor, path, description
    raise IcxError(Problem.of("excel_xlwings_file_missing", params={"name": "Office reference", "folder": str(source)}))


# --- checks -------------------------------------------------------------------------------------
def check_package(path: Path) -> list[str]:
    """pyopenvba's integrity check and project validation; an empty list means clean."""
    from pyopenvba import ExcelFile, check_file

    report = check_file(path)
    issues = [f"{i.severity} {i.code} {i.location}: {i.message}" for i in report.issues if i.severity == "error"]
    if not report.complete:
        issues.append("integrity check incomplete")
    with ExcelFile(path) as wb:
        issues += wb.validate()
    return issues


def _checked(path: Path) -> Path:
    issues = check_package(path)
    if issues:
        raise IcxError(Problem.of("excel_build_invalid", params={"detail": "; ".join(issues)}, file=str(path)))
    return path


def _edit_part(path: Path, part: str, edit: Callable[[str], str]) -> None:
    """Rewrite one XML part of a package in place."""
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    os.replace(tmp, path)


def _move_into_place(built: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(built, target)
    except OSError as exc:
        raise IcxError(
            Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(target))
        ) from exc
    return target


# --- the add-in ---------------------------------------------------------------------------------
def build_addin(target: str | Path) -> Path:
    """icx.xlam: the xlwings ribbon add-in template with the icx ribbon and callback module."""
    from pyopenvba import ExcelFile

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".icx-addin-") as work:
        built = Path(work) / ADDIN_NAME
        shutil.copyfile(xlwings_file(ADDIN_TEMPLATE), built)
        with ExcelFile(built) as wb:
            project = wb.vba_project()
            if QUICKSTART_RIBBON_MODULE in project.module_names():
                project.delete_module(QUICKSTART_RIBBON_MODULE)
            project.add_module(RIBBON_MODULE, ribbon_module_source())
            xlwings_source = wb.get_module("xlwings")
            wb.set_module("xlwings", PROJECT_NAME_LINE.sub(r'\1"xlwings"', xlwings_source, count=1))
            wb.save()
        # The template's settings sheet follows the project name (kept inactive: a leading "_").
        _edit_part(built, "xl/workbook.xml", lambda xml: re.sub(r'name="_[^"]*\.conf"', f'name="{CONFIG_SHEET}"', xml))
        put_ribbon(built, ribbon_xml(), ".xlam")
        return _move_into_place(_checked(built), target)


# --- the macro-enabled unit workbook ------------------------------------------------------------
def build_macro_workbook(template: str | Path, target: str | Path) -> Path:
    """A .xlsm copy of ``template`` (an .xlsx) with the xlwings module, the icx ribbon module and
    the ribbon embedded, so its buttons work without the add-in."""
    from pyopenvba import ExcelFile, VBAModuleKind

    template, target = Path(template), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    standalone = xlwings_file(STANDALONE_TEMPLATE)
    with ExcelFile(standalone) as source:
        xlwings_source = source.get_module("xlwings")
        dictionary_source = source.get_module("Dictionary")
    guid, major, minor, lib_path, description = _office_reference(standalone)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".icx-workbook-") as work:
        built = Path(work) / "workbook.xlsm"
        shutil.copyfile(template, built)
        keep_ribbon(built, ".xlsm")  # the package now says "macro-enabled workbook"
        with ExcelFile(built) as wb:
            project = wb.vba_project() if wb.has_vba_project() else wb.add_vba_project()
            for name, source_text, kind in (
                ("xlwings", xlwings_source, VBAModuleKind.standard),
                ("Dictionary", dictionary_source, VBAModuleKind.other),
                (RIBBON_MODULE, ribbon_module_source(), VBAModuleKind.standard),
            ):
                if name in project.module_names():
                    wb.set_module(name, source_text)
                else:
                    project.add_module(name, source_text, kind=kind)
            wb.add_reference("Office", guid, major, minor, path=lib_path, description=description)
            wb.save()
        put_ribbon(built, ribbon_xml(), ".xlsm")
        return _move_into_place(_checked(built), target)


def standard_template(folder: Path, lang: str = "zh") -> Path | None:
    """The standard unit workbook (``icx templates build``'s), written into ``folder``.

    None when this icx has no template builder.
    """
    try:
        from icx.templates.build import FILE_NAMES, save_template
        from icx.templates.build import build as build_template
    except ImportError:
        return None
    return save_template(build_template("unit", lang), folder / FILE_NAMES[("unit", lang)])


@dataclass
class BuildResult:
    addin: Path
    workbook: Path | None
    notes: list[str] = field(default_factory=list)


def build(out_dir: str | Path, template: str | Path | None = None) -> BuildResult:
    """Build icx.xlam and the macro-enabled unit workbook into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    addin = build_addin(out_dir / ADDIN_NAME)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".icx-template-") as scratch:
        source = Path(template) if template else standard_template(Path(scratch))
        if source is None:
            notes.append("excel_no_template")
            return BuildResult(addin, None, notes)
        workbook = build_macro_workbook(source, out_dir / WORKBOOK_NAME)
    return BuildResult(addin, workbook, notes)


# --- installing ---------------------------------------------------------------------------------
def startup_folder(
    platform: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None
) -> Path | None:
    """Where Excel opens add-ins at start: XLSTART on Windows, the Startup folder on macOS."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None
    if platform == "darwin":
        return (home or Path.home()).joinpath(*MAC_STARTUP)
    return None


def install_addin(
    addin: str | Path, platform: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None
) -> Path | None:
    """Copy the add-in into Excel's startup folder; None where there is no Excel (Linux)."""
    folder = startup_folder(platform, env, home)
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(addin).name
    try:
        shutil.copyfile(addin, target)
    except OSError as exc:  # Excel keeps a loaded add-in locked on Windows
        raise IcxError(
            Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(target))
        ) from exc
    return target
