"""An XlsxWriter workbook whose tables' data rows are spooled as sheet XML and spliced in at close.

``RowsWorkbook.write_rows`` renders a table's rows with ``sheet_xml.RowRenderer`` into a temp file
per sheet (a row the renderer leaves to XlsxWriter, one with a control character, is written with
XlsxWriter's own ``write_*``). ``close`` lets XlsxWriter write its package (in memory: without the
table rows it is small), then writes the file once with ``zipfile``: each sheet with spooled rows
gets them merged into its ``<sheetData>`` in row order and its ``<dimension>`` widened; every other
part is copied. XlsxWriter still writes everything else: headers, column widths, formats, filters,
conditional formats, charts, print setup. Charts over spooled rows carry no cached values (as in
XlsxWriter's constant-memory mode); Excel, WPS and LibreOffice draw them from the cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_range
from xlsxwriter.worksheet import Worksheet

from icx.consolidate.sheet_xml import DEFAULT_HEIGHT, RowRenderer
from icx.io.safety import writable_text

# zlib level of the written package. The spliced sheets are tens of MB of repetitive XML at 2,000
# units: level 1 writes that summary with a quarter less CPU than the default level (2.5 s
# against 3.4 s), for a file a quarter larger (11 MB against 9 MB).
PACK_LEVEL = 1
ZIP64_FROM = zipfile.ZIP64_LIMIT  # a spliced sheet this large is written with zip64 sizes
_ROW_TAG = re.compile(rb'<row r="(\d+)"')


def write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """Write one value with XlsxWriter by its type: text stays text (never a formula), less the
    characters a workbook cannot hold; None and NaN are blank cells, True/False the texts
    TRUE/FALSE (as ``RowRenderer`` renders them)."""
    if isinstance(value, str):
        ws.write_string(row, col, writable_text(value), fmt)
    elif value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "TRUE" if value else "FALSE", fmt)
    elif isinstance(value, Real):  # int, float, numpy numbers
        if math.isnan(value):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(row, col, moment, fmt)
    else:
        ws.write_string(row, col, writable_text(str(value)), fmt)


def style_index(fmt: Format | None) -> int | None:
    """The cell-style number XlsxWriter gives ``fmt`` in the file (None: the default style).

    XlsxWriter has no public way to ask: this calls its private ``Format._get_xf_index``, the
    one private call icx makes into it, hence ``xlsxwriter<4`` in pyproject.toml. The number is
    fixed on first use, as when XlsxWriter writes a cell with the format.
    """
    return fmt._get_xf_index() if fmt is not None else None


@dataclass
class _Block:
    """Consecutive rows of one sheet in its spool: 0-based sheet rows and byte offsets."""

    first: int
    last: int
    start: int
    end: int


@dataclass
class _SheetSpool:
    file: IO[bytes]
    blocks: list[_Block] = field(default_factory=list)
    last_col: int = 0


class RowsWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose tables' data rows are spooled (see ``write_rows``)."""

    def __init__(self, filename: str | Path, options: dict[str, Any] | None = None):
        self.target = Path(filename)
        self._package = io.BytesIO()  # what XlsxWriter writes; the file is written at close
        super().__init__(self._package, {**(options or {}), "in_memory": True})
        self._spools: dict[str, _SheetSpool] = {}

    def write_rows(
        self,
        ws: Worksheet,
        first_row: int,
        rows: Iterable[Sequence[Any] | tuple[Sequence[Any], float | None]],
        formats: Sequence[Format | None],
        heights: bool = False,
    ) -> int:
        """Write ``rows`` from 0-based row ``first_row`` down, cell c with ``formats[c]``; returns
        the last row written (``first_row - 1`` when there were none). With ``heights`` each item
        is (row, height in points), making rows of wrapped text tall enough to show it."""
        spool = self._spools.get(ws.name)
        if spool is None:
            spool = self._spools[ws.name] = _SheetSpool(tempfile.TemporaryFile(dir=self.tmpdir))
        renderer = RowRenderer([style_index(fmt) for fmt in formats])
        block: _Block | None = None
        row = first_row - 1
        for row, item in enumerate(rows, start=first_row):
            values, height = item if heights else (item, None)
            xml = renderer.render(row + 1, values, height)
            if xml is None:  # XlsxWriter writes this one; the rows after it start a new block
                if height is not None and height > DEFAULT_HEIGHT:
                    ws.set_row(row, height)
                for col, value in enumerate(values):
                    write_value(ws, row, col, value, formats[col])
                block = None
                continue
            if block is None:
                block = _Block(row, row, spool.file.tell(), 0)
                spool.blocks.append(block)
            spool.file.write(xml.encode("utf-8"))
            block.last, block.end = row, spool.file.tell()
            spool.last_col = max(spool.last_col, len(values) - 1)
        return row

    def close(self) -> None:
        super().close()
        try:
            with open(self.target, "wb") as out:
                splice(self._package, out, self._sheet_parts())
        finally:
            for spool in self._spools.values():
                spool.file.close()

    def _sheet_parts(self) -> dict[str, _SheetSpool]:
        """Zip part of each worksheet with spooled rows (XlsxWriter numbers worksheets in order)."""
        parts = {}
        index = 0
        for sheet in self.worksheets():
            if getattr(sheet, "is_chartsheet", False):
                continue
            index += 1
            spool = self._spools.get(sheet.name)
            if spool is not None and spool.blocks:
                parts[f"xl/worksheets/sheet{index}.xml"] = spool
        return parts


def splice(package: IO[bytes], out: IO[bytes], spools: dict[str, _SheetSpool]) -> None:
    """Write ``package`` (a zip) to ``out`` with each sheet part named in ``spools`` given its
    spooled rows; every other part copied as it is."""
    package.seek(0)
    with (
        zipfile.ZipFile(package) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=PACK_LEVEL) as dst,
    ):
        for info in src.infolist():
            content = src.read(info)
            spool = spools.get(info.filename)
            if spool is None:
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(copy, content, compresslevel=PACK_LEVEL)
                continue
            size = len(content) + sum(b.end - b.start for b in spool.blocks)
            with dst.open(info.filename, "w", force_zip64=size >= ZIP64_FROM) as part:
                for piece in sheet_pieces(content, spool):
                    part.write(piece)


def sheet_pieces(xml: bytes, spool: _SheetSpool) -> Iterator[bytes]:
    """The sheet XML in pieces, each spooled block placed before the first XlsxWriter row below it."""
    open_at = xml.index(b"<sheetData")
    body_at = xml.index(b">", open_at) + 1
    if xml[body_at - 2 : body_at] == b"/>":  # <sheetData/>: no rows of XlsxWriter's own
        head, rows, tail = xml[: body_at - 2] + b">", b"", b"</sheetData>" + xml[body_at:]
    else:
        close_at = xml.index(b"</sheetData>", body_at)
        head, rows, tail = xml[:body_at], xml[body_at:close_at], xml[close_at:]
    yield _widen_dimension(head, spool)
    position = 0
    for block in sorted(spool.blocks, key=lambda b: b.first):
        below = next((m for m in _ROW_TAG.finditer(rows, position) if int(m.group(1)) > block.last + 1), None)
        cut = below.start() if below is not None else len(rows)
        yield rows[position:cut]
        position = cut
        spool.file.seek(block.start)
        remaining = block.end - block.start
        while remaining:
            chunk = spool.file.read(min(remaining, 1 << 20))
            yield chunk
            remaining -= len(chunk)
    yield rows[position:]
    yield tail


def _widen_dimension(head: bytes, spool: _SheetSpool) -> bytes:
    """``<dimension ref="A1:K1"/>`` grown to hold the spooled rows and columns."""
    found = re.search(rb'<dimension ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"/>', head)
    if found is None:
        return head
    top, _ = xl_cell_to_rowcol(found.group(1).decode())  # spooled rows start in column A
    bottom, right = xl_cell_to_rowcol((found.group(2) or found.group(1)).decode())
    top = min(top, min(b.first for b in spool.blocks))
    bottom = max(bottom, max(b.last for b in spool.blocks))
    ref = f'<dimension ref="{xl_range(top, 0, bottom, max(right, spool.last_col))}"/>'.encode()
    return head[: found.start()] + ref + head[found.end() :]
