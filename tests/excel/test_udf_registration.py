"""What Excel's "Import Functions" would make of ``icx.excel.udfs`` on Windows.

Off Windows xlwings' decorators are identity functions, so a typo in an ``@xw.arg`` name would
go unnoticed here. This test loads the module with xlwings' Windows decorators (its pure-Python
``xlwings.udfs`` module, with the win32 modules stubbed out because only the COM calls need them)
and checks the metadata and the VBA wrappers xlwings generates from it.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlwings as xw

import icx.excel.macros as plain_macros
import icx.excel.udfs as plain_udfs

UDFS_FILE = Path(plain_udfs.__file__)
RANGE_ARGS = {
    "values",
    "amounts",
    "scores",
    "likelihood",
    "impact",
    "matrix",
    "levels",
    "ids",
    "duties",
    "headers",
    "results",
    "weights",
}


def load_as(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def windows_udfs(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[types.ModuleType, types.ModuleType]]:
    stubs = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    stubs["win32com.client"].Dispatch = lambda *a: None  # type: ignore[attr-defined]
    stubs["win32com"].client = stubs["win32com.client"]  # type: ignore[attr-defined]
    for name, module in stubs.items():
        monkeypatch.setitem(sys.modules, name, module)
    had_udfs = "xlwings.udfs" in sys.modules
    try:
        import xlwings.udfs as xl_udfs

        monkeypatch.setattr(xw, "func", xl_udfs.xlfunc)
        monkeypatch.setattr(xw, "arg", xl_udfs.xlarg)
        monkeypatch.setattr(xw, "ret", xl_udfs.xlret)
        monkeypatch.setattr(xw, "sub", xl_udfs.xlsub)
        yield load_as(UDFS_FILE, "icx_udfs_as_on_windows"), xl_udfs
    finally:
        if not had_udfs:
            sys.modules.pop("xlwings.udfs", None)
            if hasattr(xw, "udfs"):
                delattr(xw, "udfs")


def test_every_function_is_registered_with_its_ranges_as_2d(windows_udfs) -> None:
    module, _ = windows_udfs
    names = [f.__name__ for f in plain_udfs.FUNCTIONS]
    assert names == [
        "ICX_LIKELIHOOD",
        "ICX_IMPACT",
        "ICX_AVG",
        "ICX_SCORE",
        "ICX_BAND",
        "ICX_LEVEL",
        "ICX_LEVEL_LABEL",
        "ICX_RANK",
        "ICX_CONFLICT",
        "ICX_EVAL_SCORE",
    ]
    for name in names:
        info = getattr(module, name).__xlfunc__
        assert info["name"] == name and not info["sub"]
        assert info["category"] == plain_udfs.CATEGORY
        assert "expand" not in info["ret"]["options"]  # native dynamic arrays spill by themselves
        doc = info["ret"]["doc"]
        assert len(doc) <= 255, f"{name}: the function wizard shows only 255 characters"
        assert re.search(r"[\u4e00-\u9fff]", doc) and re.search(r"[A-Za-z]{4}", doc), f"{name}: zh and en"
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), f"{name}.{arg['name']} has no help"
            assert len(arg["doc"]) <= 255
            if arg["name"] in RANGE_ARGS:
                assert arg["options"].get("ndim") == 2, f"{name}.{arg['name']} must arrive as rows"
        assert info["args"][-1]["name"] == "lang" and info["args"][-1]["optional"] == "zh"


def test_the_generated_vba_wrappers(windows_udfs) -> None:
    module, xl_udfs = windows_udfs
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("icx.excel.udfs", module, out, types.SimpleNamespace(Name="风险清单.xlsm"))
    vba = out.getvalue()
    assert "Function ICX_LEVEL(likelihood, impact, Optional matrix, Optional lang)" in vba
    assert 'XLPy.CallUDF("icx.excel.udfs", "ICX_RANK", Array(ids, scores, levels, lang)' in vba
    for f in plain_udfs.FUNCTIONS:
        assert re.search(rf"^Function {f.__name__}\(", vba, re.M), f.__name__


def test_registered_functions_still_compute(windows_udfs) -> None:
    module, _ = windows_udfs
    assert module.ICX_LEVEL([[5], [1]], [[5], [1]]) == [[1], [3]]


def test_macros_register_as_subs_on_windows(windows_udfs) -> None:
    """xlwings' Windows @xw.sub reads each macro's signature and type hints when the module is
    imported; every ribbon macro must survive that and be marked a sub."""
    module = load_as(Path(plain_macros.__file__), "icx_macros_as_on_windows")
    for name in plain_macros.MACROS:
        info = getattr(module, name).__xlfunc__
        assert info["sub"] is True and info["name"] == name
        assert all("optional" in arg for arg in info["args"]), f"{name}: RunPython calls it without arguments"


# --- the xlwings_udfs module icx addin build writes ------------------------------------------------
FUNCTION = re.compile(r"^Function (\w+)\(([^)]*)\)\r?$", re.M)
CALL = re.compile(
    r'^\s*(\w+) = XLPy\.CallUDF\("([\w.]+)", "(\w+)", Array\(([^)]*)\), (\w+), Application\.Caller\)', re.M
)


@pytest.fixture(scope="module")
def built_modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The worksheet functions' VBA module of icx.xlam and of the .xlsm, read back with pyopenvba."""
    from pyopenvba import ExcelFile

    from icx.excel import addin
    from icx.excel.udf_vba import MODULE_NAME

    result = addin.build(tmp_path_factory.mktemp("udf-build"))
    modules = {}
    for kind, path in (("addin", result.addin), ("workbook", result.workbook)):
        with ExcelFile(path) as wb:
            modules[kind] = wb.get_module(MODULE_NAME)
    return modules


@pytest.mark.parametrize("kind", ["addin", "workbook"])
def test_the_built_vba_declares_every_worksheet_function_with_its_arguments(built_modules, kind: str) -> None:
    """Parsed back from the built file: one Function per function of icx.excel.udfs, its arguments
    in order with the optional ones marked, each handed to the UDF server under its own name."""
    source = built_modules[kind]
    declared = {name: [a.strip() for a in args.split(",")] for name, args in FUNCTION.findall(source)}
    assert list(declared) == [f.__name__ for f in plain_udfs.FUNCTIONS]
    for func in plain_udfs.FUNCTIONS:
        params = list(inspect.signature(func).parameters.values())
        expected = [("Optional " if p.default is not p.empty else "") + p.name for p in params]
        assert declared[func.__name__] == expected, func.__name__
    calls = CALL.findall(source)
    assert [(target, module, name) for target, module, name, _, _ in calls] == [
        (f.__name__, "icx.excel.udfs", f.__name__) for f in plain_udfs.FUNCTIONS
    ]
    for (_, _, name, args, book), func in zip(calls, plain_udfs.FUNCTIONS):
        assert [a.strip() for a in args.split(",")] == list(inspect.signature(func).parameters), name
        assert book == ("ActiveWorkbook" if kind == "addin" else "ThisWorkbook")  # as xlwings writes them
    assert source.isascii()


def test_the_module_is_line_for_line_what_xlwings_import_functions_writes(windows_udfs) -> None:
    """The same text xlwings' own generator makes from the Windows-decorated module, function by
    function, plus each function's help attribute."""
    from icx.excel.udf_vba import english_help, udf_module_source

    module, xl_udfs = windows_udfs
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("icx.excel.udfs", module, out, types.SimpleNamespace(Name="icx.xlam"))
    theirs = {
        m.group(1): m.group(0) for m in re.finditer(r"^Function (\w+)\(.*?^End Function$", out.getvalue(), re.M | re.S)
    }
    ours_text = udf_module_source(addin=True).replace("\r\n", "\n")
    ours = {m.group(1): m.group(0) for m in re.finditer(r"^Function (\w+)\(.*?^End Function$", ours_text, re.M | re.S)}
    assert set(ours) == set(theirs) == {f.__name__ for f in plain_udfs.FUNCTIONS}
    for func in plain_udfs.FUNCTIONS:
        name = func.__name__
        quoted = english_help(func).replace('"', '""')
        help_line = f'Attribute {name}.VB_Description = "{quoted}"\n'
        assert help_line in ours[name]
        assert ours[name].replace(help_line, "") == theirs[name], name
        assert english_help(func).isascii() and 20 < len(english_help(func)) <= 255
        assert not re.search(r"[\u4e00-\u9fff]", english_help(func))


def test_currency_cells_reach_the_functions_as_numbers() -> None:
    """On Windows a Currency-formatted cell arrives as Decimal (pywin32): still a loss amount."""
    from decimal import Decimal

    assert plain_udfs.ICX_IMPACT([[1], [1]], [[Decimal("12000")], [12000.0]]) == plain_udfs.ICX_IMPACT(
        [[1], [1]], [[12000.0], [12000.0]]
    )
    assert plain_udfs.ICX_SCORE([[Decimal("2.5")]], [[4]]) == [[10.0]]
