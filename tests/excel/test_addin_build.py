"""`icx addin build` output, read back without Excel: the packages open as zips, the ribbon part is
well-formed and related, every button's callback exists in the VBA read back from
vbaProject.bin, every RunPython target is a macro, pyopenvba finds nothing wrong, and an
openpyxl save through icx keeps the ribbon."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from typer.testing import CliRunner

import icx.excel.macros as macros_module
from icx.cli.app import app
from icx.demo.data import make_unit
from icx.demo.workbooks import write_plain_register
from icx.excel import addin
from icx.io.macro_workbook import (
    RIBBON_PART,
    UI_RELATIONSHIP_2010,
    keep_ribbon,
    ribbon_relationships,
)
from icx.io.save import save_workbook

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*")  # oletools on a newer pyparsing

CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)", re.I | re.M)
RUN_PYTHON = re.compile(r"^\s*RunPython\s+(.+)$", re.M)
CLICK = '"import icx.excel.macros as m; m.click(\'" & control.Tag & "\', \'" & XLWINGS_VERSION & "\')"'
UNHEX = re.compile(r'Unhex\("([0-9A-F]*)"\)')
# The first keys of Excel's own tabs (File F, Home H, Insert N, Draw JI, Page Layout P, Formulas M,
# Data A, Review R, View W, Developer L, Add-ins X, Help Y2, Tell me Q, Power Pivot B, Team E).
EXCEL_TAB_KEYS = set("FHNJPMARWLXYQBE")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> addin.BuildResult:
    """What `icx addin build` makes: icx.xlam and the standard unit workbook as .xlsm."""
    return addin.build(tmp_path_factory.mktemp("addin") / "dist")


@pytest.fixture(scope="module", params=["addin", "workbook"])
def package(request: pytest.FixtureRequest, built: addin.BuildResult) -> Path:
    path = built.addin if request.param == "addin" else built.workbook
    assert path is not None
    return path


def vba_modules(path: Path) -> dict[str, str]:
    """Module name → source, read back from vbaProject.bin with oletools' olevba."""
    from oletools.olevba import VBA_Parser  # imported here: it warns about pyparsing on import

    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def ribbon(path: Path) -> SafeET.Element:
    with zipfile.ZipFile(path) as zf:
        return SafeET.fromstring(zf.read(RIBBON_PART))


def xw_subs() -> set[str]:
    """Functions of icx.excel.macros decorated with @xw.sub (read from the source: off Windows the
    decorator leaves no mark on the function)."""
    tree = ast.parse(Path(macros_module.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "sub"
                    and getattr(target.value, "id", "") == "xw"
                ):
                    found.add(node.name)
    return found


def test_packages_open_as_zips_with_the_right_content_type(built: addin.BuildResult) -> None:
    assert built.addin.name == "icx.xlam" and built.workbook is not None and built.workbook.suffix == ".xlsm"
    for path, kind in ((built.addin, "addin"), (built.workbook, "sheet")):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            types = zf.read("[Content_Types].xml").decode()
        assert f"application/vnd.ms-excel.{kind}.macroEnabled.main+xml" in types


def test_ribbon_is_well_formed_and_related(package: Path) -> None:
    root = ribbon(package)
    assert root.tag == f"{CUI}customUI"
    assert ribbon_relationships(package) == {RIBBON_PART: UI_RELATIONSHIP_2010}
    with zipfile.ZipFile(package) as zf:
        assert not [n for n in zf.namelist() if n.startswith("customUI/") and n != RIBBON_PART]


def test_the_tab_groups_and_buttons(package: Path) -> None:
    root = ribbon(package)
    tabs = root.findall(f".//{CUI}tab")
    assert [t.get("label") for t in tabs] == ["内部控制"]
    groups = {
        g.get("label"): [b.get("label") for b in g.findall(f"{CUI}button")] for g in tabs[0].findall(f"{CUI}group")
    }
    assert groups == {
        "风险评估": ["评分分级", "数据校验"],
        "岗位与评价": ["冲突检查", "自我评价", "岗位与授权检查", "基础性评价"],
        "委员会": ["生成汇总", "发送邮件"],
        "帮助": ["使用说明"],
    }
    for button in root.iter(f"{CUI}button"):
        assert button.get("imageMso"), button.get("id")  # a built-in Office icon
        tip = button.get("screentip") or ""
        assert tip and tip.isascii(), f"{button.get('id')}: an English screentip"
        assert button.get("supertip")
        assert button.get("label") == macros_module.button_label(button.get("tag")), button.get("id")


def test_keytips_do_not_collide_with_excels(package: Path) -> None:
    root = ribbon(package)
    (tab,) = root.findall(f".//{CUI}tab")
    assert tab.get("keytip") and tab.get("keytip")[0] not in EXCEL_TAB_KEYS  # Alt, N is Insert
    keys = [b.get("keytip") for b in root.iter(f"{CUI}button")]
    assert all(keys) and len(set(keys)) == len(keys)


def test_every_button_has_its_callback_in_the_vba_read_back(package: Path) -> None:
    modules = vba_modules(package)
    assert {"xlwings", addin.RIBBON_MODULE} <= set(modules)
    for button in ribbon(package).iter(f"{CUI}button"):
        module, sub = button.get("onAction").split(".")
        assert module in modules, f"{button.get('id')}: no module {module}"
        assert sub in SUB.findall(modules[module]), f"{button.get('id')}: no Sub {sub}(control As IRibbonControl)"


def test_every_button_names_an_xw_sub_macro_run_through_click(package: Path) -> None:
    """One callback for every button: its tag names the macro, click() checks xlwings and runs it."""
    tags = [b.get("tag") for b in ribbon(package).iter(f"{CUI}button")]
    assert len(tags) == 9 and set(tags) == set(macros_module.MACROS) and set(tags) <= xw_subs()
    source = vba_modules(package)[addin.RIBBON_MODULE]
    assert [line.strip() for line in RUN_PYTHON.findall(source)] == [CLICK]
    assert source.isascii() and "{{" not in source


def test_no_workbook_open_is_answered_in_the_vba(package: Path) -> None:
    """With no workbook (or one in Protected View) ActiveWorkbook is Nothing and RunPython would
    stop with VBA error 91: the callback says what to do instead, in the catalogue's words."""
    source = vba_modules(package)[addin.RIBBON_MODULE]
    guard = source.index("If ActiveWorkbook Is Nothing Then")
    assert guard < source.index("Exit Sub") < RUN_PYTHON.search(source).start()
    texts = ["".join(chr(int(h[i : i + 4], 16)) for i in range(0, len(h), 4)) for h in UNHEX.findall(source)]
    assert texts == [addin.catalogue_text("excel_vba_no_workbook"), addin.catalogue_text("excel_title")]
    assert "请先打开一个工作簿" in texts[0]


def test_the_xlwings_version_is_pinned_to_the_one_built_in(built: addin.BuildResult) -> None:
    """pyproject pins the exact xlwings whose VBA the buttons carry; the button passes that
    version to click(), which compares it with the installed one."""
    import tomllib

    import xlwings

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings")]
    assert pins == [f"xlwings=={xlwings.__version__}"]
    for path in (built.addin, built.workbook):
        assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in vba_modules(path)["xlwings"]
    assert built.notes == [] and addin.version_notes() == []


def test_the_addin_project_is_named_icx(built: addin.BuildResult) -> None:
    from pyopenvba import ExcelFile
    from pyopenvba.cfb import CFB

    with ExcelFile(built.addin) as wb:
        assert wb.vba_project().name == addin.ADDIN_PROJECT == "icx"
        assert [r.name for r in wb.references()] == ["Office"]
    with zipfile.ZipFile(built.addin) as zf:
        project = CFB.from_bytes(zf.read("xl/vbaProject.bin")).get_stream("PROJECT").decode("latin-1")
    assert 'Name="icx"' in project and "MyAddin" not in project


BUILD_MACHINE = re.compile(rb"absPath|\\Users\\|/Users/|\\Temp\\|felix", re.I)


def _readable_parts(path: Path) -> dict[str, bytes]:
    """Every part of a package, with the VBA project's streams decompressed where they are."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import decompress

    parts = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            parts[name] = data
            if name.endswith("vbaProject.bin"):
                cfb = CFB.from_bytes(data)
                parts[name + "/PROJECT"] = cfb.get_stream("PROJECT")
                parts[name + "/dir"] = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    return parts


def test_no_build_machine_paths_in_shipped_files(built: addin.BuildResult) -> None:
    shipped = [built.addin, built.workbook, *sorted((Path(__file__).parents[2] / "workbooks").glob("*.xls*"))]
    assert len(shipped) > 2
    for path in shipped:
        for part, data in _readable_parts(path).items():
            assert not BUILD_MACHINE.search(data), f"{path.name}: {part} names its build machine"


def test_pyopenvba_finds_nothing_wrong(package: Path) -> None:
    assert addin.check_package(package) == []


def test_addin_reads_xlwings_settings_and_has_no_sample_left(built: addin.BuildResult) -> None:
    modules = vba_modules(built.addin)
    assert addin.QUICKSTART_RIBBON_MODULE not in modules
    assert 'PROJECT_NAME As String = "xlwings"' in modules["xlwings"]
    with zipfile.ZipFile(built.addin) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    assert f'name="{addin.CONFIG_SHEET}"' in workbook and "myaddin" not in workbook


def test_workbook_is_the_standard_template_with_document_modules(built: addin.BuildResult, tmp_path: Path) -> None:
    from icx.templates.build import build as build_template

    assert built.workbook is not None and built.workbook.name == "单位工作簿.xlsm"
    wb = openpyxl.load_workbook(built.workbook, keep_vba=True)
    assert wb.sheetnames == build_template("unit", "zh").wb.sheetnames
    assert wb.code_name == "ThisWorkbook"
    modules = vba_modules(built.workbook)
    assert {"ThisWorkbook", "Dictionary", "xlwings", addin.RIBBON_MODULE} <= set(modules)
    sheet_modules = {m for m in modules if m.startswith("Sheet")}
    assert len(sheet_modules) == len(wb.sheetnames)  # one document module per sheet, as Excel makes them


def test_any_xlsx_can_be_made_macro_enabled(tmp_path: Path) -> None:
    template = write_plain_register(make_unit(0), tmp_path / "plain.xlsx")
    target = addin.build_macro_workbook(template, tmp_path / "plain.xlsm")
    assert openpyxl.load_workbook(target, keep_vba=True).sheetnames == ["单位信息", "风险清单"]
    assert addin.check_package(target) == [] and ribbon_relationships(target) == {RIBBON_PART: UI_RELATIONSHIP_2010}


def test_openpyxl_round_trip_through_save_workbook_keeps_the_ribbon(built: addin.BuildResult, tmp_path: Path) -> None:
    assert built.workbook is not None
    wb = openpyxl.load_workbook(built.workbook, keep_vba=True)
    raw = tmp_path / "raw.xlsm"
    wb.save(raw)
    assert ribbon_relationships(raw) == {}  # what openpyxl alone does: the ribbon is lost
    kept = save_workbook(wb, tmp_path / "kept.xlsm")
    assert ribbon_relationships(kept) == {RIBBON_PART: UI_RELATIONSHIP_2010}
    assert addin.check_package(kept) == []
    assert set(vba_modules(kept)) == set(vba_modules(built.workbook))


def test_a_macro_run_on_the_macro_workbook_keeps_its_ribbon(built: addin.BuildResult, tmp_path: Path) -> None:
    from icx.excel.macros import score_workbook
    from icx.excel.port_openpyxl import OpenpyxlPort

    assert built.workbook is not None
    port = OpenpyxlPort.open(built.workbook)
    assert score_workbook(port) is not None  # the empty template: nothing to score, no failure
    scored = port.save(tmp_path / "scored.xlsm")
    assert ribbon_relationships(scored) == {RIBBON_PART: UI_RELATIONSHIP_2010}


def test_keep_ribbon_gives_an_addin_its_content_type(built: addin.BuildResult, tmp_path: Path) -> None:
    # An add-in saved with the .xlsm content type (as openpyxl would) is refused by Excel.
    broken = tmp_path / "broken.xlam"
    with zipfile.ZipFile(built.addin) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"addin.macroEnabled", b"sheet.macroEnabled")
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*customUI14[^>]*/>", b"", data)
            dst.writestr(info, data)
    assert ribbon_relationships(broken) == {}
    assert keep_ribbon(broken) is True
    assert ribbon_relationships(broken) == {RIBBON_PART: UI_RELATIONSHIP_2010}
    with zipfile.ZipFile(broken) as zf:
        assert b"addin.macroEnabled.main+xml" in zf.read("[Content_Types].xml")
    assert keep_ribbon(broken) is False  # nothing left to do


def test_cli_build_and_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["addin", "build", "-o", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "icx.xlam").is_file()
    # On Linux nothing is installed; the command says why and where the file is.
    result = runner.invoke(app, ["addin", "install", str(tmp_path / "dist" / "icx.xlam")])
    assert result.exit_code == 2
    assert "icx.xlam" in result.output and "XLSTART" in result.output


def test_install_targets_excel_startup_folders(tmp_path: Path, built: addin.BuildResult) -> None:
    appdata = tmp_path / "AppData" / "Roaming"
    win = addin.install_addin(built.addin, platform="win32", env={"APPDATA": str(appdata)})
    assert win == appdata / "Microsoft" / "Excel" / "XLSTART" / "icx.xlam"
    assert win.read_bytes() == built.addin.read_bytes()
    mac = addin.install_addin(built.addin, platform="darwin", env={}, home=tmp_path / "home")
    assert mac == (
        tmp_path
        / "home"
        / "Library"
        / "Group Containers"
        / "UBF8T346G9.Office"
        / "User Content.localized"
        / "Startup.localized"
        / "Excel"
        / "icx.xlam"
    )
    assert mac.is_file()
    assert addin.install_addin(built.addin, platform="linux", env={}) is None


def test_a_build_with_another_xlwings_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files fit only the xlwings they were built with: a build where the installed xlwings is
    not icx's pinned one works, and says so."""
    monkeypatch.setattr(addin, "pinned_xlwings", lambda: "0.30.0")
    result = CliRunner().invoke(app, ["addin", "build", "-o", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # rich wraps long lines
    assert "icx 锁定的版本是 0.30.0" in output and addin.installed_xlwings() in output
