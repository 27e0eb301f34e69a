"""Macro workbooks (.xlsm, .xlam) keep their ribbon whatever saves them.

A ribbon is a ``customUI/customUI14.xml`` part related from the package's ``_rels/.rels``.
openpyxl (``keep_vba=True``) keeps ``vbaProject.bin`` and the customUI parts but writes a fresh
``_rels/.rels`` without the ribbon's relationship, and gives an .xlam the .xlsm content type,
which Excel refuses to open. ``keep_ribbon`` puts both back; ``icx.io.save.save_workbook`` calls
it for every macro workbook, so no save in icx loses a ribbon. ``put_ribbon`` writes a ribbon
into a package (used by the add-in build).
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

RELS_PART = "_rels/.rels"
CONTENT_TYPES_PART = "[Content_Types].xml"
RIBBON_PART = "customUI/customUI14.xml"
# customUI14.xml (Office 2010+) and customUI.xml (Office 2007) are related with different types.
UI_RELATIONSHIP_2010 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_RELATIONSHIP_2007 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
UI_RELATIONSHIPS = (UI_RELATIONSHIP_2010, UI_RELATIONSHIP_2007)
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MACRO_SUFFIXES = (".xlsm", ".xlam", ".xltm")
MAIN_CONTENT_TYPES = {
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
_UI_PART = re.compile(r"^customUI/customUI(14)?\.xml$")


def is_macro_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MACRO_SUFFIXES


def ui_relationship_type(part: str) -> str:
    return UI_RELATIONSHIP_2010 if part.endswith("customUI14.xml") else UI_RELATIONSHIP_2007


def ribbon_relationships(path: str | Path) -> dict[str, str]:
    """Ribbon parts related from ``_rels/.rels``: target part → relationship type."""
    with zipfile.ZipFile(path) as zf:
        return {target: kind for target, kind in _relationships(zf.read(RELS_PART)) if kind in UI_RELATIONSHIPS}


def _relationships(rels_xml: bytes) -> list[tuple[str, str]]:
    root = SafeET.fromstring(rels_xml)
    return [(r.get("Target", "").lstrip("/"), r.get("Type", "")) for r in root.iter(f"{{{RELS_NS}}}Relationship")]


def _with_ui_relationships(rels_xml: bytes, parts: Iterable[str]) -> bytes:
    """``_rels/.rels`` relating exactly ``parts`` as ribbons (other relationships untouched)."""
    ET.register_namespace("", RELS_NS)
    root = SafeET.fromstring(rels_xml)
    for rel in list(root):
        if rel.get("Type") in UI_RELATIONSHIPS:
            root.remove(rel)
    taken = {rel.get("Id") for rel in root}
    for n, part in enumerate(sorted(parts), start=1):
        rel_id = next(f"rIdUI{k}" for k in range(n, n + 1000) if f"rIdUI{k}" not in taken)
        taken.add(rel_id)
        ET.SubElement(
            root, f"{{{RELS_NS}}}Relationship", {"Id": rel_id, "Type": ui_relationship_type(part), "Target": part}
        )
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def _with_main_content_type(types_xml: bytes, suffix: str) -> bytes:
    """``[Content_Types].xml`` whose workbook part has the type Excel expects for ``suffix``."""
    wanted = MAIN_CONTENT_TYPES.get(suffix.lower())
    ET.register_namespace("", TYPES_NS)
    root = SafeET.fromstring(types_xml)
    changed = False
    for override in root.iter(f"{{{TYPES_NS}}}Override"):
        if override.get("PartName") == "/xl/workbook.xml" and wanted and override.get("ContentType") != wanted:
            override.set("ContentType", wanted)
            changed = True
    has_xml_default = any(d.get("Extension") == "xml" for d in root.iter(f"{{{TYPES_NS}}}Default"))
    if not has_xml_default:  # customUI parts are typed by the xml Default
        ET.SubElement(root, f"{{{TYPES_NS}}}Default", {"Extension": "xml", "ContentType": "application/xml"})
        changed = True
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8") if changed else types_xml


def _rewrite(path: Path, replace: dict[str, bytes | None]) -> None:
    """Rewrite the package with parts replaced (``None`` removes a part), atomically in place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".zip.tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, path.stat().st_mode & 0o777)  # the file keeps its permissions (mkstemp's are owner-only)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            written = set()
            for info in src.infolist():
                if info.filename in replace:
                    data = replace[info.filename]
                    if data is not None:
                        dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
                    written.add(info.filename)
                else:
                    dst.writestr(info, src.read(info.filename))
            for name, data in replace.items():
                if name not in written and data is not None:
                    dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def keep_ribbon(path: str | Path, suffix: str | None = None) -> bool:
    """Relate every customUI part of the package again and fix the workbook's content type.

    ``suffix`` is the file type the package will have (a temp file being saved carries
    another suffix). Returns whether anything had to change.
    """
    path = Path(path)
    suffix = (suffix or path.suffix).lower()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        rels = zf.read(RELS_PART)
        types = zf.read(CONTENT_TYPES_PART)
    parts = [n for n in names if _UI_PART.match(n)]
    related = {t for t, kind in _relationships(rels) if kind in UI_RELATIONSHIPS}
    replace: dict[str, bytes | None] = {}
    if set(parts) != related:
        replace[RELS_PART] = _with_ui_relationships(rels, parts)
    new_types = _with_main_content_type(types, suffix)
    if new_types != types:
        replace[CONTENT_TYPES_PART] = new_types
    if replace:
        _rewrite(path, replace)
    return bool(replace)


def put_ribbon(path: str | Path, ribbon_xml: bytes, suffix: str | None = None) -> None:
    """Make ``ribbon_xml`` the package's only ribbon (customUI14.xml), related from ``_rels/.rels``."""
    path = Path(path)
    SafeET.fromstring(ribbon_xml)  # refuse a malformed ribbon before writing it
    with zipfile.ZipFile(path) as zf:
        old = [n for n in zf.namelist() if n.startswith("customUI/")]
    replace: dict[str, bytes | None] = {n: None for n in old}
    replace[RIBBON_PART] = ribbon_xml
    _rewrite(path, replace)
    keep_ribbon(path, suffix)
