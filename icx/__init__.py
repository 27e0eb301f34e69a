"""icx — internal-control toolkit for Chinese public institutions (行政事业单位内部控制).

Layers (see docs/architecture.md):
    icx.core   pure rules and models, no Excel, no files
    icx.io     workbooks in and out (reading, templates, summaries)
    surfaces   icx.cli (command line), icx.excel (xlwings UDFs/macros), icx.mail (email)
"""

__version__ = "0.1.0"
