"""A workbook package re-packed for a values-only read: formulas dropped, nothing compressed.

icx reads cell values only and recomputes every score itself; the formula text beside each
value is never used. In a register made from the standard template that text is more than half
of the sheet's bytes (each row repeats the long scoring formulas), and the parser still has to
scan all of it. ``load_grid`` has every part unpacked already (the CRC check in
``icx.io.safety``), so it hands python-calamine this leaner package instead: the same parts,
stored (no second inflate), with each worksheet's ``<f>`` elements removed and the cached
``<v>`` values kept. The values read from it equal those read from the original file.

Only ``<f>`` elements of the exact shape SpreadsheetML writers produce are removed (plain
``name="value"`` attributes, text without markup); anything else is left for the parser as
it is. A worksheet holding a CDATA section is left whole, since its text could spell ``<f>``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

from icx.io import deflate
from icx.io.safety import Part
from icx.io.zip_writer import PackageWriter

# <f …>formula</f> or <f …/>: formula text is XML-escaped, so it holds no '<'.
FORMULA_ELEMENT = re.compile(rb'<f(?: [A-Za-z_][\w.:-]*+="[^"<>]*+")*+\s*+(?:/>|>[^<]*+</f>)')
WORKSHEET_PREFIX = "xl/worksheets/"


def without_formulas(xml: bytes) -> bytes:
    """A worksheet part with its formula elements removed (values kept); ``xml`` itself when
    there is nothing to remove."""
    if b"<f" not in xml or b"<![CDATA[" in xml:
        return xml
    lean, removed = FORMULA_ELEMENT.subn(b"", xml)
    return lean if removed else xml


def values_package(parts: Mapping[str, Part]) -> bytes:
    """A stored (uncompressed) zip of ``parts`` in their order, worksheets without formulas.

    A part kept as it is keeps its checked CRC; only a changed worksheet's is computed (the
    parser checks CRCs as it reads).
    """
    package = io.BytesIO()
    writer = PackageWriter(package)
    for name, (content, crc) in parts.items():
        if name.startswith(WORKSHEET_PREFIX) and name.endswith(".xml"):
            lean = without_formulas(content)
            if lean is not content:
                content, crc = lean, deflate.crc32(lean)
        writer.store(name, content, crc)
    writer.close()
    return package.getvalue()
