"""Build the icx Excel add-in (icx.xlam) and the macro-enabled unit workbook; install the add-in.

Both start from files the installed xlwings package ships, so their xlwings VBA module matches
the xlwings version Python runs: ``quickstart_addin_ribbon.xlam`` for the add-in, and the
xlwings and Dictionary modules of ``quickstart_standalone.xlsm`` for the workbook. The ribbon
(``customUI14.xml``) and its callback module (``icx_ribbon.bas``) come from
``icx/data/vba_shim/`` (``vba_shim/`` in the repository); the worksheet functions' module
(``xlwings_udfs``) is generated from ``icx.excel.udfs`` (``icx.excel.udf_vba``). VBA modules are
written headlessly with pyopenvba; the ribbon part and its relationship with zipfile
(``icx.io.macro_workbook``). Every built file is checked with pyopenvba's integrity check before
it is moved into place.

The xlwings version: pyproject pins xlwings to one exact version, the one whose VBA icx builds
into its files, so every computer that installs icx runs the Python half of the same xlwings as
the VBA half in the buttons; each click checks it (``icx.excel.macros.click``), and a build with
another xlwings installed says so. The template's traces of its build machine (the workbook's
``absPath``, an unused MSForms reference naming a temp folder, the author) are removed, and the
add-in's VBA project is named ``icx``.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from icx import i18n
from icx.core.errors import IcxError, Problem
from icx.excel.udf_vba import MODULE_NAME as UDF_MODULE
from icx.excel.udf_vba import udf_module_source
from icx.io.macro_workbook import keep_ribbon, put_ribbon

ADDIN_NAME = "icx.xlam"
WORKBOOK_NAME = "单位工作簿.xlsm"
RIBBON_MODULE = "icx_ribbon"
ADDIN_TEMPLATE = "quickstart_addin_ribbon.xlam"
STANDALONE_TEMPLATE = "quickstart_standalone.xlsm"
QUICKSTART_RIBBON_MODULE = "RibbonMyAddin"
ADDIN_PROJECT = "icx"  # the add-in's VBA project name (the template's is "MyAddin")
UNUSED_REFERENCE = "MSForms"  # the add-in template's; no module uses it, and it names a temp folder
CATALOGUE_KEY = re.compile(r"\{\{(\w+)\}\}")  # a catalogue key in icx_ribbon.bas: its zh text as hex
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


def vba_hex(text: str) -> str:
    """Text as its UTF-16 code units in hex, which icx_ribbon.bas's Unhex turns back into text."""
    data = text.encode("utf-16-le")
    return "".join(f"{int.from_bytes(data[i : i + 2], 'little'):04X}" for i in range(0, len(data), 2))


def catalogue_text(key: str) -> str:
    """The Chinese text of a catalogue message or label."""
    try:
        return i18n.text(key, "zh")
    except KeyError:
        return i18n.label(key, "zh")


def ribbon_module_source() -> str:
    """icx_ribbon.bas with its catalogue texts filled in and the CRLF line ends VBA stores."""
    text = (shim_dir() / f"{RIBBON_MODULE}.bas").read_text(encoding="ascii")
    text = CATALOGUE_KEY.sub(lambda m: vba_hex(catalogue_text(m.group(1))), text)
    return "\r\n".join(text.splitlines()) + "\r\n"


def pinned_xlwings() -> str | None:
    """The exact xlwings version icx's package metadata pins (pyproject), None when unpinned."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        wanted = requires("icx") or []
    except PackageNotFoundError:
        return None
    for requirement in wanted:
        match = re.match(r"^xlwings\s*==\s*([\w.]+)\s*$", requirement.split(";")[0].strip())
        if match:
            return match.group(1)
    return None


def installed_xlwings() -> str:
    import xlwings

    return str(xlwings.__version__)


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


def _conf_sheet_renamed(xml: str) -> str:
    return re.sub(r'name="_[^"]*\.conf"', f'name="{CONFIG_SHEET}"', xml)


def _without_abs_path(xml: str) -> str:
    """workbook.xml without the folder the template was last saved in (x15ac:absPath)."""
    return re.sub(
        r"<mc:AlternateContent\b(?:(?!</mc:AlternateContent>).)*?absPath.*?</mc:AlternateContent>", "", xml, flags=re.S
    )


def _authored_by_icx(xml: str) -> str:
    """core.xml naming icx, not the person who saved the template, as author and last editor."""
    xml = re.sub(r"<dc:creator>[^<]*</dc:creator>", "<dc:creator>icx</dc:creator>", xml)
    return re.sub(r"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>", "<cp:lastModifiedBy>icx</cp:lastModifiedBy>", xml)


def _dir_with_name(raw: bytes, name: str) -> bytes:
    """The decompressed VBA dir stream with its PROJECTNAME record ([MS-OVBA] 2.3.4.2.1.6) set to
    ``name``. The records before it (SYSKIND, COMPATVERSION, LCID, LCIDINVOKE, CODEPAGE) are plain
    id/size/data records."""
    pos = 0
    while pos + 6 <= len(raw):
        record_id, size = struct.unpack_from("<HI", raw, pos)
        if record_id == 0x0004:
            encoded = name.encode("ascii")
            return raw[:pos] + struct.pack("<HI", 0x0004, len(encoded)) + encoded + raw[pos + 6 + size :]
        pos += 6 + size
    raise IcxError(Problem.of("excel_build_invalid", params={"detail": "no PROJECTNAME record in the VBA dir stream"}))


def rename_vba_project(path: Path, name: str) -> None:
    """Name the package's VBA project ``name`` (pyopenvba keeps the template's): the dir stream's
    PROJECTNAME and the PROJECT stream's Name line; the p-code cache is invalidated so Excel
    compiles the project afresh."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress, invalidate_vba_project_cache

    part = "xl/vbaProject.bin"
    with zipfile.ZipFile(path) as zf:
        cfb = CFB.from_bytes(zf.read(part))
    raw = decompress(cfb.get_stream_in_storage("VBA", "dir"), stream_name="VBA/dir")
    cfb.write_stream_in_storage("VBA", "dir", compress(_dir_with_name(raw, name)))
    text = cfb.get_stream("PROJECT").decode("latin-1")
    cfb.write_stream("PROJECT", re.sub(r'(?m)^Name="[^"]*"', f'Name="{name}"', text, count=1).encode("latin-1"))
    invalidate_vba_project_cache(cfb)
    data = cfb.to_bytes()
    _edit_part_bytes(path, part, data)


def _edit_part_bytes(path: Path, part: str, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == part else src.read(info.filename))
    os.replace(tmp, path)


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
            project.add_module(UDF_MODULE, udf_module_source(addin=True))
            xlwings_source = wb.get_module("xlwings")
            wb.set_module("xlwings", PROJECT_NAME_LINE.sub(r'\1"xlwings"', xlwings_source, count=1))
            wb.remove_reference(UNUSED_REFERENCE)
            wb.save()
        rename_vba_project(built, ADDIN_PROJECT)
        # The template's settings sheet follows the project name (kept inactive: a leading "_").
        _edit_part(built, "xl/workbook.xml", lambda xml: _without_abs_path(_conf_sheet_renamed(xml)))
        _edit_part(built, "docProps/core.xml", _authored_by_icx)
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
                (UDF_MODULE, udf_module_source(addin=False), VBAModuleKind.standard),
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
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # catalogue key, values


def version_notes() -> list[tuple[str, dict[str, str]]]:
    """A note when the installed xlwings is not the one icx pins (the files then fit only it)."""
    pinned, installed = pinned_xlwings(), installed_xlwings()
    if pinned and pinned != installed:
        return [("excel_xlwings_not_pinned", {"pinned": pinned, "installed": installed})]
    return []


def build(out_dir: str | Path, template: str | Path | None = None) -> BuildResult:
    """Build icx.xlam and the macro-enabled unit workbook into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    addin = build_addin(out_dir / ADDIN_NAME)
    notes = version_notes()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".icx-template-") as scratch:
        source = Path(template) if template else standard_template(Path(scratch))
        if source is None:
            notes.append(("excel_no_template", {}))
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
