"""Data rows of big tables written straight into the sheet XML, beside XlsxWriter.

XlsxWriter spends several microseconds on every cell (a cell record, a format lookup, then an
XML element built at close). A committee summary of 2,000 units holds about two million cells,
so the data rows of ``xlsx.table`` are rendered here to ``<row>`` XML as they are produced
(inline strings, with the escapes XlsxWriter uses for shared strings) and spooled to a temp file.
``RowsWorkbook.close`` lets XlsxWriter write the package, then splices each sheet's spooled rows
into its ``<sheetData>`` in row order and widens its ``<dimension>``. XlsxWriter still writes
everything else: headers, column widths, formats, filters, conditional formats, charts, print
setup. Charts over spooled rows carry no cached values (as in XlsxWriter's constant-memory
mode); Excel, WPS and LibreOffice draw them from the cells.

Tables whose row count is known in advance can be rendered apart (``write_rows_apart``, then
``render_apart``): on Linux one forked child renders them into its own spool while the parent
writes the other sheets, and ``close`` collects them. Where no child can run (no fork, other
threads alive, a text that needs the shared-string table), the parent renders them at ``close``
itself. Either way they are rendered at the same point of the file, so the bytes are the same.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import re
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

from icx.core.dates import EXCEL_EPOCH
from icx.io.safety import writable_text
from icx.io.zip_writer import PackageWriter, Zip64Needed, packed_data

MAX_STRING = 32767  # Excel's limit for one cell; XlsxWriter truncates alike
BODY_CACHE = 200_000  # distinct texts kept rendered before the cache starts again
SPOOLED_COMPRESSION = 1  # zlib level of spliced sheets written by zipfile (zip64 packages only)
APART_MIN_ROWS = 2000  # below this a table renders in less time than forking a child costs
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPED = re.compile(r"[&<>]")
_ROW_TAG = re.compile(rb'<row r="(\d+)"')


def _string_body(value: str, shared: Any) -> str:
    """What follows ``<c r="B7" s="3"`` in a text cell: inline, or through the
    shared-string table when it needs Excel's _xHHHH_ escapes (control characters, or text that
    looks like one), which readers undo only there. Characters a workbook cannot hold are dropped,
    as ``xlsx.put`` drops them."""
    value = writable_text(value)
    if len(value) > MAX_STRING:
        value = value[:MAX_STRING]
    if _CONTROL.search(value):
        return f' t="s"><v>{shared._get_shared_string_index(value)}</v></c>'
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    if _ESCAPED.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _serial(value: dt.date) -> float:
    """Excel's serial number of a date or date-time (1900 date system)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    delta = value.replace(tzinfo=None) - dt.datetime.combine(EXCEL_EPOCH, dt.time())
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


@dataclass
class _Block:
    first: int  # 0-based sheet row of the block's first row
    last: int
    start: int  # byte offsets of the block in its spool
    end: int
    spool: IO[bytes]


@dataclass
class SpooledRows:
    """The rows spooled for one worksheet, in blocks of consecutive rows."""

    spool: IO[bytes] | None = None  # where ``write_rows`` spools (blocks rendered apart have their own)
    blocks: list[_Block] = field(default_factory=list)
    last_col: int = 0


@dataclass
class _Table:
    """A table given to ``RowsWorkbook.write_rows_apart``, not rendered yet."""

    ws: Worksheet
    first_row: int
    rows: Iterable[Sequence[Any]]  # the parent's copy stays untouched: rendered here if the child fails
    count: int
    formats: Sequence[Format | None]
    order: int  # tables rendered at close go in the order they were given


@dataclass
class _Child:
    """A forked child rendering ``tables`` into ``spool``; it sends their blocks through ``pipe``."""

    pid: int
    pipe: int
    spool: IO[bytes]
    tables: list[_Table]


class _SharedStringNeeded(Exception):
    """Raised in a child: the shared-string table lives in the parent."""


class _NoSharedStrings:
    def _get_shared_string_index(self, value: str) -> int:
        raise _SharedStringNeeded


def can_fork() -> bool:
    """True where a table may be rendered in a forked child: Linux (macOS frameworks are not
    fork-safe; Windows has no fork), and no other thread alive, whose locks a child could
    inherit held."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class RowsWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose tables' data rows can be spooled (see ``write_rows``)."""

    def __init__(self, filename: str, options: dict[str, Any] | None = None):
        super().__init__(filename, options)
        self.spooled: dict[str, SpooledRows] = {}
        self._bodies: dict[str, str] = {}
        self._pending: list[_Table] = []  # given to write_rows_apart, not yet with a child
        self._given = 0
        self._children: list[_Child] = []

    def write_rows(
        self, ws: Worksheet, first_row: int, rows: Iterable[Sequence[Any]], formats: Sequence[Format | None]
    ) -> int:
        """Spool ``rows`` from 0-based row ``first_row`` down, cell c with ``formats[c]``; returns
        the last row written (``first_row - 1`` when there were none). Values by type as
        ``xlsx.put`` writes them: text stays text, None/NaN are blank (formatted) cells."""
        spooled = self.spooled.setdefault(ws.name, SpooledRows())
        if spooled.spool is None:
            spooled.spool = tempfile.TemporaryFile(dir=self.tmpdir)
        # Each cell is '<c r="' + column + row number + '"' + style + body; the pieces are joined
        # once per row (a quarter faster than formatting each cell).
        styles = [f' s="{fmt._get_xf_index()}"' if fmt is not None else "" for fmt in formats]
        heads = [(f'<c r="{xl_col_to_name(c)}', f'"{style}') for c, style in enumerate(styles)]
        start = spooled.spool.tell()
        write = spooled.spool.write
        number = first_row  # 1-based number of the previous row
        width = 0
        bodies = self._bodies
        for number, values in enumerate(rows, start=first_row + 1):
            n = str(number)
            cells = ['<row r="', n, '">']
            extend = cells.extend
            for (head, style), value in zip(heads, values):
                kind = value.__class__
                if kind is str:
                    # Texts repeat (unit names, areas, owners): each is rendered once per workbook.
                    body = bodies.get(value)
                    if body is None:
                        body = bodies[value] = _string_body(value, self.str_table)
                        if len(bodies) > BODY_CACHE:
                            bodies.clear()
                    extend((head, n, style, body))
                elif (kind is int or kind is float) and value == value:
                    extend((head, n, style, f"><v>{value:.16G}</v></c>"))
                elif value is None or kind is float:  # blank, or NaN
                    extend((head, n, style, "/>"))
                elif kind is bool:
                    extend((head, n, style, f' t="inlineStr"><is><t>{"TRUE" if value else "FALSE"}</t></is></c>'))
                elif isinstance(value, (dt.date, dt.datetime)):
                    extend((head, n, style, f"><v>{_serial(value):.16G}</v></c>"))
                elif isinstance(value, Real):  # numpy numbers and the like
                    as_float = float(value)
                    extend((head, n, style, f"><v>{as_float:.16G}</v></c>" if as_float == as_float else "/>"))
                else:
                    extend((head, n, style, _string_body(str(value), self.str_table)))
            cells.append("</row>")
            width = max(width, len(values))
            write("".join(cells).encode("utf-8"))
        if number > first_row:
            spooled.blocks.append(_Block(first_row, number - 1, start, spooled.spool.tell(), spooled.spool))
            spooled.last_col = max(spooled.last_col, width - 1)
        return number - 1

    def write_rows_apart(
        self, ws: Worksheet, first_row: int, rows: Iterable[Sequence[Any]], count: int, formats: Sequence[Format | None]
    ) -> int:
        """``write_rows`` for a table of ``count`` rows, rendered later: by a forked child once
        ``render_apart`` is called, else at ``close``. Returns the last row, as ``write_rows`` does.

        The formats get their style numbers now, so that parent and child number them alike.
        """
        for fmt in formats:
            if fmt is not None:
                fmt._get_xf_index()
        self._pending.append(_Table(ws, first_row, rows, count, formats, self._given))
        self._given += 1
        return first_row + count - 1

    def render_apart(self, *sheets: Worksheet) -> None:
        """Fork one child to render the tables given to ``write_rows_apart`` so far (those of
        ``sheets`` only, when named), while the caller writes on. The others, small tables, and
        all of them where no child can be forked, are rendered at ``close``."""
        tables = [t for t in self._pending if not sheets or t.ws in sheets]
        if sum(t.count for t in tables) < APART_MIN_ROWS or not can_fork():
            return
        sent = {id(t) for t in tables}
        self._pending = [t for t in self._pending if id(t) not in sent]
        spool = tempfile.TemporaryFile(dir=self.tmpdir)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            self._render_in_child(tables, spool, read_end, write_end)
        os.close(write_end)
        self._children.append(_Child(pid, read_end, spool, tables))

    def _render_in_child(self, tables: list[_Table], spool: IO[bytes], read_end: int, write_end: int) -> None:
        """Runs in the forked child: spool the tables, send their blocks, and end the process at
        once (no exit handlers, no second flush of the parent's buffers)."""
        status = 1
        try:
            os.close(read_end)
            self.str_table = _NoSharedStrings()  # a text that needs it: the parent renders the tables
            self.spooled = {t.ws.name: SpooledRows(spool) for t in tables}
            if all(self.write_rows(t.ws, t.first_row, t.rows, t.formats) == t.first_row + t.count - 1 for t in tables):
                spool.flush()
                sent = {
                    name: ([(b.first, b.last, b.start, b.end) for b in rows.blocks], rows.last_col)
                    for name, rows in self.spooled.items()
                }
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(pickle.dumps(sent))
                status = 0
        except BaseException:  # noqa: BLE001 — whatever went wrong, the parent renders the tables
            pass
        finally:
            os._exit(status)

    def _collect_apart(self) -> None:
        """Render every table given to ``write_rows_apart``, in the order given, as if there
        never was a child: a table a child rendered is taken in (waiting for the child only
        when its turn comes, so the tables before it are rendered here meanwhile); one it could
        not render is rendered here."""
        owner = {id(t): child for child in self._children for t in child.tables}
        rendered: dict[int, bool] = {}  # child (by id) → whether it rendered its tables
        for table in sorted([*self._pending, *(t for c in self._children for t in c.tables)], key=lambda t: t.order):
            child = owner.get(id(table))
            if child is not None and id(child) not in rendered:
                rendered[id(child)] = self._take_in(child)
            if child is None or not rendered[id(child)]:
                self.write_rows(table.ws, table.first_row, table.rows, table.formats)
        self._children.clear()
        self._pending.clear()

    def _take_in(self, child: _Child) -> bool:
        """Wait for ``child`` and add the blocks it rendered; False when it rendered nothing."""
        with os.fdopen(child.pipe, "rb") as pipe:
            sent = pipe.read()
        _, status = os.waitpid(child.pid, 0)
        if status != 0 or not sent:
            child.spool.close()
            return False
        for name, (blocks, last_col) in pickle.loads(sent).items():  # from our own child
            spooled = self.spooled.setdefault(name, SpooledRows())
            spooled.blocks += [_Block(*block, child.spool) for block in blocks]
            spooled.last_col = max(spooled.last_col, last_col)
        return True

    def discard_apart(self) -> None:
        """Stop waiting for what children render: the workbook will not be closed (an error
        stopped its writing). Each child is reaped and its spool dropped, so none is left behind."""
        for child in self._children:
            os.close(child.pipe)  # a child still writing meets a closed pipe and ends
            os.waitpid(child.pid, 0)
            child.spool.close()
        self._children.clear()
        self._pending.clear()

    def close(self) -> None:
        self._collect_apart()  # before XlsxWriter writes the shared strings a fallback may add to
        super().close()
        if not self.spooled:
            return
        try:
            _splice(self.filename, self._sheet_parts())
        finally:
            spools = {id(f): f for s in self.spooled.values() for f in (s.spool, *(b.spool for b in s.blocks))}
            for spool in spools.values():
                if spool is not None:
                    spool.close()

    def _sheet_parts(self) -> dict[str, SpooledRows]:
        """Zip part of each worksheet with spooled rows (XlsxWriter numbers worksheets in order)."""
        parts = {}
        index = 0
        for sheet in self.worksheets():
            if getattr(sheet, "is_chartsheet", False):
                continue
            index += 1
            if sheet.name in self.spooled and self.spooled[sheet.name].blocks:
                parts[f"xl/worksheets/sheet{index}.xml"] = self.spooled[sheet.name]
        return parts


def _splice(path: str, parts: dict[str, SpooledRows]) -> None:
    """Rewrite the package at ``path`` with the spooled rows merged into their sheets.

    XlsxWriter's other parts are copied as they are packed; the spliced sheets are packed as
    they stream (``icx.io.zip_writer``). A package that would need zip64 goes through zipfile.
    """
    if not parts:
        return
    spliced = f"{path}.rows"
    try:
        try:
            _splice_parts(path, spliced, parts)
        except Zip64Needed:
            _splice_with_zipfile(path, spliced, parts)
        os.replace(spliced, path)
    finally:
        if os.path.exists(spliced):
            os.unlink(spliced)


def _splice_parts(path: str, spliced: str, parts: dict[str, SpooledRows]) -> None:
    with open(path, "rb") as package:
        data = package.read()  # XlsxWriter's package: small, the big tables' rows are in the spools
    with zipfile.ZipFile(io.BytesIO(data)) as src, open(spliced, "wb") as out:
        writer = PackageWriter(out)
        for info in src.infolist():
            if info.filename in parts:
                xml = src.read(info)
                writer.deflate(
                    info.filename, info.date_time, info.external_attr, _sheet_pieces(xml, parts[info.filename])
                )
            else:
                writer.copy(info, packed_data(data, info))
        writer.close()


def _splice_with_zipfile(path: str, spliced: str, parts: dict[str, SpooledRows]) -> None:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            target.external_attr = info.external_attr
            if info.filename not in parts:
                dst.writestr(target, data)
                continue
            _set_level(target, SPOOLED_COMPRESSION)
            with dst.open(target, "w", force_zip64=True) as out:
                for piece in _sheet_pieces(data, parts[info.filename]):
                    out.write(piece)


def _set_level(info: zipfile.ZipInfo, level: int) -> None:
    """The zlib level of one part (``ZipFile(compresslevel=...)`` does not reach parts opened by
    ZipInfo); the attribute is public from Python 3.13."""
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level  # type: ignore[attr-defined]


def _sheet_pieces(xml: bytes, spooled: SpooledRows) -> Iterator[bytes]:
    """The sheet XML in pieces, each spooled block placed before the first XlsxWriter row below it."""
    open_at = xml.index(b"<sheetData")
    body_at = xml.index(b">", open_at) + 1
    if xml[body_at - 2 : body_at] == b"/>":  # <sheetData/>: no rows of XlsxWriter's own
        head, rows, tail = xml[: body_at - 2] + b">", b"", b"</sheetData>" + xml[body_at:]
    else:
        close_at = xml.index(b"</sheetData>", body_at)
        head, rows, tail = xml[:body_at], xml[body_at:close_at], xml[close_at:]
    yield _widen_dimension(head, spooled)
    position = 0
    for block in sorted(spooled.blocks, key=lambda b: b.first):
        below = [m for m in _ROW_TAG.finditer(rows, position) if int(m.group(1)) > block.last + 1]
        cut = below[0].start() if below else len(rows)
        yield rows[position:cut]
        position = cut
        block.spool.seek(block.start)
        remaining = block.end - block.start
        while remaining:
            chunk = block.spool.read(min(remaining, 1 << 20))
            yield chunk
            remaining -= len(chunk)
    yield rows[position:]
    yield tail


def _widen_dimension(head: bytes, spooled: SpooledRows) -> bytes:
    """``<dimension ref="A1:K1"/>`` grown to hold the spooled rows and columns."""
    found = re.search(rb'<dimension ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"/>', head)
    if found is None:
        return head
    top, _ = xl_cell_to_rowcol(found.group(1).decode())  # spooled rows start in column A
    bottom, right = xl_cell_to_rowcol((found.group(2) or found.group(1)).decode())
    top = min(top, min(b.first for b in spooled.blocks))
    bottom = max(bottom, max(b.last for b in spooled.blocks))
    ref = f'<dimension ref="{xl_range(top, 0, bottom, max(right, spooled.last_col))}"/>'.encode()
    return head[: found.start()] + ref + head[found.end() :]
