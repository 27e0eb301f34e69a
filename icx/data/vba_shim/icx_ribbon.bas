Attribute VB_Name = "icx_ribbon"
' icx ribbon callbacks: one Sub per button of customUI14.xml (the Internal Control tab).
' Each runs a macro of the Python module icx.excel.macros through xlwings' RunPython, the
' same code the icx command line uses. Kept ASCII-only: VBA stores module text in the
' project's code page. Source: icx/data/vba_shim/icx_ribbon.bas (built in by `icx addin build`).
Option Explicit

Public Sub ScoreWorkbook(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.score_workbook()"
End Sub

Public Sub ValidateWorkbook(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.validate_workbook()"
End Sub

Public Sub CheckConflicts(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.check_conflicts()"
End Sub

Public Sub EvaluateChecklist(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.evaluate_checklist()"
End Sub

Public Sub BuildSummary(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.build_summary()"
End Sub

Public Sub EmailSummary(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.email_summary()"
End Sub

Public Sub ShowHelp(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.show_help()"
End Sub

Public Sub BasicEvaluation(control As IRibbonControl)
    RunPython "import icx.excel.macros as m; m.basic_evaluation()"
End Sub
