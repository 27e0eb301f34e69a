"""The contract engine cannot drift from the real xlwings. Every public member of its
xlwings-shaped classes exists in the installed ``xlwings/main.py`` as the same kind of member
(method, property, settable property) with a compatible signature; what main.py hands to its
engine (``self.impl.<name>``) exists in both the Windows (``_xlwindows.py``) and the Mac
(``_xlmac.py``) engine; every AppleScript name the Mac flavour's ``api`` answers is in xlwings'
Excel dictionary (``mac_dict.py``), commands with their parameters; and the COM names of the
Windows flavour are Excel's documented ones, the same the port uses. Read from the installed
package's source: the two engines import pywin32 and appscript, which this machine does not have.
"""

from __future__ import annotations

import ast
import inspect
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import xlwings
import xlwings.main
from xlwings import mac_dict

from icx.excel import port_xlwings

from . import xlengine

ENGINE_CLASSES = {
    name: getattr(xlengine, name) for name in ("App", "Books", "Book", "Sheets", "Sheet", "Range", "Font")
}
DUNDERS = ("__getitem__", "__iter__", "__len__")
PACKAGE = Path(xlwings.__file__).parent
# What main.py reads or writes through its converters rather than as self.impl.<name>.
THROUGH_CONVERTERS = {("Range", "value"): "raw_value"}


def public_members(cls: type) -> dict[str, Any]:
    return {n: v for n, v in vars(cls).items() if not n.startswith("_") or n in DUNDERS}


def main_member(class_name: str, name: str) -> Any:
    cls = getattr(xlwings.main, class_name)
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    raise AssertionError(f"xlwings.main.{class_name} has no {name}")


@cache
def engine_members(file: str) -> dict[str, set[str]]:
    """Class name → its members, read from an engine's source: functions and properties, names
    assigned in the class body (``api = xl``) and attributes its methods set (``self.app = app``)."""
    tree = ast.parse((PACKAGE / file).read_text(encoding="utf-8"))
    members: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        names = members.setdefault(node.name, set())
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(item.name)
            elif isinstance(item, ast.Assign):
                names.update(t.id for t in item.targets if isinstance(t, ast.Name))
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                if isinstance(sub.value, ast.Name) and sub.value.id == "self":
                    names.add(sub.attr)
    return members


def impl_names(member: Any) -> set[str]:
    """The engine members a main.py member uses: every ``self.impl.<name>`` in its source."""
    functions = [member.fget, member.fset] if isinstance(member, property) else [member]
    names = set()
    for function in filter(None, functions):
        tree = ast.parse(inspect.getsource(function).strip().replace("\n    ", "\n"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "impl"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "self"
            ):
                names.add(node.attr)
    return names


MEMBERS = [(c, n) for c, cls in ENGINE_CLASSES.items() for n in public_members(cls)]


@pytest.mark.parametrize(("class_name", "name"), MEMBERS, ids=[f"{c}.{n}" for c, n in MEMBERS])
def test_every_engine_member_is_xlwings_own(class_name: str, name: str) -> None:
    ours = public_members(ENGINE_CLASSES[class_name])[name]
    theirs = main_member(class_name, name)
    if isinstance(ours, property):
        assert isinstance(theirs, property), f"{class_name}.{name} is not a property in xlwings"
        assert ours.fset is None or theirs.fset is not None, f"xlwings cannot set {class_name}.{name}"
        return
    assert callable(ours) and callable(theirs) and not isinstance(theirs, property)
    mine, real = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    for param in mine.values():
        assert param.name in real, f"{class_name}.{name}: xlwings has no parameter {param.name}"
        assert param.kind == real[param.name].kind, f"{class_name}.{name}({param.name}) is passed differently"
        assert param.default == real[param.name].default, f"{class_name}.{name}({param.name}) default"
    required = [p.name for p in real.values() if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
    assert set(required) <= set(mine), f"{class_name}.{name} lacks xlwings' required {required}"
    assert list(mine) == [p for p in real if p in mine], f"{class_name}.{name}: parameters out of order"


@pytest.mark.parametrize(("class_name", "name"), MEMBERS, ids=[f"{c}.{n}" for c, n in MEMBERS])
@pytest.mark.parametrize("engine_file", ["_xlwindows.py", "_xlmac.py"])
def test_both_engines_implement_what_main_hands_them(class_name: str, name: str, engine_file: str) -> None:
    if name in DUNDERS:
        return  # main.py's Collection: iterates with the engine's own count and items
    needed = impl_names(main_member(class_name, name))
    if (class_name, name) in THROUGH_CONVERTERS:
        needed.add(THROUGH_CONVERTERS[(class_name, name)])
    engine = engine_members(engine_file)
    assert class_name in engine, f"{engine_file} has no class {class_name}"
    missing = needed - engine[class_name]
    assert not missing, f"{engine_file}: {class_name} lacks {missing} that main.{class_name}.{name} uses"


def test_the_engine_reads_and_writes_in_xlwings_chunks() -> None:
    assert xlengine.DEFAULT_MAX_CELLS_PER_WRITE == xlwings.base_classes.DEFAULT_MAX_CELLS_PER_WRITE
    source = (PACKAGE / "_xlmac.py").read_text(encoding="utf-8")
    assert f"return {xlengine.MAC_MAX_CELLS_PER_READ:_}" in source


# --- api: AppleScript names on the Mac flavour, COM names on Windows -------------------------------
def _mac_names() -> tuple[set[str], dict[str, list[str]]]:
    """Properties and elements, and commands with their parameters, that the Mac api answers."""
    excel = xlengine.Excel(xlengine.MAC)
    wb = xlengine.openpyxl.Workbook()
    sheet = xlengine.Sheet(xlengine.Book(excel, wb, None, {}), wb.active)
    properties: set[str] = set()

    def walk(ref: Any) -> None:
        for name, child in ref._children.items():
            properties.add(name)
            walk(child())

    apis = [sheet.api, sheet.range("A1").api, excel.app.api]
    for api in apis:
        walk(api)
    commands = {}
    for api in apis:
        for name, member in vars(type(api)).items():
            if not name.startswith("_") and callable(member):
                commands[name] = [p for p in inspect.signature(member).parameters if p != "self" and p != "allow"]
    commands["protect_worksheet"] += list(xlengine.APPLE_PROTECTION)
    return properties, commands


def test_every_applescript_name_is_in_xlwings_excel_dictionary() -> None:
    properties, commands = _mac_names()
    known = {name for name, _ in mac_dict.properties} | {name for name, _ in mac_dict.elements}
    assert properties and not properties - known, properties - known
    enumerators = {name for name, _ in mac_dict.enums}
    assert {"landscape", "portrait"} <= enumerators  # the keywords the port passes (k.landscape)
    dictionary = {name: [p for p, _ in params] for name, _, params in mac_dict.commands}
    for command, params in commands.items():
        assert command in dictionary, f"no AppleScript command {command}"
        assert not set(params) - set(dictionary[command]), f"{command}: {set(params) - set(dictionary[command])}"


# Excel's object model as learn.microsoft.com documents it (pywin32 dispatches any name, so
# xlwings' source cannot list them): Worksheet.Protect(Password, DrawingObjects, Contents,
# Scenarios, UserInterfaceOnly, AllowFormattingCells … AllowUsingPivotTables), Worksheet.Unprotect,
# Worksheet.ProtectContents / ProtectDrawingObjects / ProtectScenarios / Protection, Protection.Allow…,
# Worksheet.PageSetup, PageSetup.Orientation / Zoom / FitToPagesWide / FitToPagesTall /
# PrintTitleRows, Window.FreezePanes / SplitRow / SplitColumn, Application.ActiveWindow / FileDialog,
# FileDialog.Title / Show / SelectedItems, Range.AutoFilter(Field, Criteria1, Operator, Criteria2,
# VisibleDropDown).
WORKSHEET_PROTECT = [
    "Password",
    "DrawingObjects",
    "Contents",
    "Scenarios",
    "UserInterfaceOnly",
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
]
COM_NAMES = {
    "_ComSheet": {
        "ProtectContents",
        "ProtectDrawingObjects",
        "ProtectScenarios",
        "Protection",
        "Protect",
        "Unprotect",
        "PageSetup",
    },
    "_ComRange": {"AutoFilter"},
    "_ComApp": {"ActiveWindow", "FileDialog"},
    "_ComFileDialog": {"Show", "SelectedItems"},
}


def test_the_com_names_are_excels_and_the_ports() -> None:
    for class_name, names in COM_NAMES.items():
        members = {n for n in vars(getattr(xlengine, class_name)) if not n.startswith("_")}
        assert members == names, class_name
    protect = inspect.signature(xlengine._ComSheet.Protect).parameters
    assert [p for p in protect if p not in ("self", "allow")] + list(xlengine.COM_PROTECTION) == WORKSHEET_PROTECT
    assert list(port_xlwings.PROTECTION_FLAGS) == list(xlengine.COM_PROTECTION)  # the port's COM names
    assert list(port_xlwings.PROTECTION_FLAGS.values()) == list(xlengine.APPLE_PROTECTION)  # and AppleScript's
    assert "AutoFilter(" in (PACKAGE / "_xlwindows.py").read_text(encoding="utf-8")  # xlwings uses it too
