"""The Excel surface: worksheet functions (``udfs``), ribbon macros (``macros``) over a small
workbook port (``port``), and the add-in build (``addin``)."""
