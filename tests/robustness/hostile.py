"""A collection of broken and hostile workbooks, made fresh for each test session.

Each entry is a file a unit could send (by mistake or not): empty, not a zip, cut short, an XML
entity bomb, a zip bomb, a part whose checksum or size lies, a flipped byte, an encrypted (OLE)
file, a package without sheets, a register in another layout or on a sheet of another name,
control characters and bidi overrides in texts, an 80-character unit name, Excel error values in
score cells, merged score cells, a value in column XFD, and a folder named like a workbook.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook

BOMB_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol6;</t></is></c></row></sheetData></worksheet>"""

OTHER_LAYOUT = [
    "序号",
    "业务环节",
    "风险点",
    "风险描述",
    "发生可能性",
    "影响程度",
    "风险值",
    "风险等级",
    "管控措施",
    "责任部门",
]


def _plain(path: Path, rows: list[list], title: str = "风险清单") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _register_rows() -> list[list]:
    return [
        ["风险编号", "业务领域", "风险描述", "可能性", "影响程度"],
        ["YS-01", "预算", "编制依据不足", 3, 3],
        ["YS-02", "预算", "调整未审批", 4, 2],
    ]


def _rewrite(source: Path, target: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, data if item.filename == part else src.read(item.filename))
    return target


def _patched_directory(source: Path, target: Path, offset: int, value: int) -> Path:
    data = bytearray(source.read_bytes())
    entry = data.rindex(b"xl/worksheets/sheet1.xml") - 46
    data[entry + offset : entry + offset + 4] = value.to_bytes(4, "little")
    target.write_bytes(bytes(data))
    return target


def _unit(folder: Path, file_name: str, change: Callable | None = None, **fields) -> Path:
    unit = make_unit(0, seed=7)
    for key, value in fields.items():
        setattr(unit, key, value)
    if change is not None:
        change(unit)
    return write_unit_workbook(unit, folder / file_name)


def build(folder: Path) -> dict[str, Path]:
    """Write the collection into ``folder``; returns name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    good = _plain(folder / "_good_register.xlsx", _register_rows())

    files["empty"] = folder / "empty.xlsx"
    files["empty"].write_bytes(b"")
    files["text"] = folder / "text.xlsx"
    files["text"].write_text("单位编码,风险编号\nFB001,R1\n", encoding="utf-8")
    files["truncated"] = folder / "truncated.xlsx"
    files["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["entity_bomb"] = _rewrite(good, folder / "entity_bomb.xlsx", "xl/worksheets/sheet1.xml", BOMB_XML.encode())
    zeros = io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    files["zip_bomb"] = folder / "zip_bomb.xlsx"
    files["zip_bomb"].write_bytes(zeros.getvalue())
    files["bad_crc"] = _patched_directory(good, folder / "bad_crc.xlsx", 16, 0x12345678)
    files["size_lie"] = _patched_directory(good, folder / "size_lie.xlsx", 24, 10)
    stored = folder / "_stored.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
    data = bytearray(stored.read_bytes())
    at = data.index(b"<v>3</v>") + 3
    data[at] = ord("9")
    files["flipped_byte"] = folder / "flipped_byte.xlsx"
    files["flipped_byte"].write_bytes(bytes(data))
    stored.unlink()
    files["encrypted"] = folder / "encrypted.xlsx"
    files["encrypted"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    no_sheets = io.BytesIO()
    with zipfile.ZipFile(no_sheets, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    files["no_sheets"] = folder / "no_sheets.xlsx"
    files["no_sheets"].write_bytes(no_sheets.getvalue())
    files["other_layout"] = _plain(
        folder / "other_layout.xlsx",
        [OTHER_LAYOUT, [1, "预算编制", "编制不实", "预算编制依据不足", 3, 4, 12, "中", "审核", "财务科"]],
    )
    files["sheet1_register"] = _plain(folder / "sheet1_register.xlsx", _register_rows(), title="Sheet1")
    files["renamed_headers"] = _plain(
        folder / "renamed_headers.xlsx",
        [["编号X", "业务领域", "描述X", "可能性", "影响程度"], ["R1", "预算", "x", 3, 3]],
    )
    files["headers_only"] = _plain(folder / "headers_only.xlsx", _register_rows()[:1])
    files["error_values"] = _plain(
        folder / "error_values.xlsx", [*_register_rows(), ["YS-03", "预算", "公式出错", "#DIV/0!", "#N/A"]]
    )
    merged = folder / "merged_scores.xlsx"
    _plain(merged, [*_register_rows(), ["YS-03", "预算", "第三项", None, None]])
    wb = openpyxl.load_workbook(merged)
    wb.active.merge_cells("D2:D4")
    wb.save(merged)
    files["merged_scores"] = merged
    wb = openpyxl.load_workbook(good)
    wb.active["XFD1"] = "far away"
    files["column_xfd"] = folder / "column_xfd.xlsx"
    wb.save(files["column_xfd"])

    def control_chars(unit) -> None:
        unit.risks[0].description = "含控制字符_x0001_的描述"
        unit.risks[1].owner = "\u202e张三"

    files["control_chars"] = _unit(folder, "control_chars.xlsx", control_chars, name="控制字符_x0001_单位")
    files["long_name"] = _unit(folder, "long_name.xlsx", name="某某市某某区财政局" * 9 + "\u202e附属单位", code="FB099")
    files["formula_text"] = _unit(
        folder, "formula_text.xlsx", lambda u: setattr(u.risks[0], "description", '=HYPERLINK("http://x","点我")')
    )
    folder_like = folder / "folder_like.xlsx"
    folder_like.mkdir(exist_ok=True)
    good.unlink()
    _batch_cases(folder, files)
    return files


def _batch_cases(folder: Path, files: dict[str, Path]) -> None:
    """What a folder of submissions holds besides broken files: other formats (LibreOffice's .xls
    and .ods of a unit workbook, look-alikes icx does not read), another period, a second file
    of one unit, a workbook without a code, a lock file and icx's own output."""
    from icx.io import libreoffice
    from icx.io.outputs import mark_openpyxl

    files["other_period"] = _unit(folder, "other_period.xlsx", code="FB010", period="2025")
    files["duplicate"] = _unit(
        folder, "duplicate.xlsx", code="ＦＢ００１\u200b"
    )  # formula_text's FB001, typed otherwise
    files["no_code"] = _unit(folder, "no_code.xlsx", code="")
    files["csv"] = folder / "unit.csv"
    files["csv"].write_text("单位编码,风险编号\nFB001,R1\n", encoding="utf-8")
    files["et"] = folder / "unit.et"
    files["et"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    files["lock"] = folder / "~$formula_text.xlsx"
    files["lock"].write_bytes(b"lock")
    wb = openpyxl.load_workbook(files["formula_text"])
    mark_openpyxl(wb, "scored")
    files["icx_output"] = folder / "formula_text.scored.xlsx"
    wb.save(files["icx_output"])
    if libreoffice.available():
        (folder / "_lo").mkdir(exist_ok=True)
        source = _unit(folder / "_lo", "lo_unit.xlsx", code="FB020")
        for to in ("xls", "ods"):
            (done,) = libreoffice.convert([source], folder, to=to)
            files[to] = done.output
        source.unlink()
        (folder / "_lo").rmdir()
