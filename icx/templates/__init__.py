"""The standard workbook templates, built from code: the unit workbook and standalone parts.

``build(kind, lang)`` makes one in memory (``Built``: workbook + where each table sits);
``write_templates(dir)`` saves them all byte-stably (``workbooks/`` holds the committed ones).
One module per sheet kind; ``layout`` holds what they share.
"""

from icx.templates.build import FILE_NAMES, KINDS, Built, Sizes, build, save_template, workbook_bytes, write_templates

__all__ = ["FILE_NAMES", "KINDS", "Built", "Sizes", "build", "save_template", "workbook_bytes", "write_templates"]
