Attribute VB_Name = "icx_ribbon"
' icx ribbon callback: every button of customUI14.xml (the Internal Control tab) calls OnButton,
' and the button's tag names the macro of icx.excel.macros to run. icx.excel.macros.click runs it
' through xlwings' RunPython after checking that the installed xlwings is the version this VBA was
' built with (XLWINGS_VERSION, a constant of the xlwings module beside this one).
' A new button needs only its <button> in customUI14.xml (tag = the macro's name) and the macro.
' Kept ASCII-only: VBA stores module text in the project's code page, so Chinese text is written
' as UTF-16 code units in hex, filled in from icx's catalogue by `icx addin build` where a key
' stands in double braces, and decoded by Unhex. Source: icx/data/vba_shim/icx_ribbon.bas.
Option Explicit

Public Sub OnButton(control As IRibbonControl)
    ' No workbook open, or only one in Protected View: RunPython would stop with error 91.
    If ActiveWorkbook Is Nothing Then
        MsgBox Unhex("{{excel_vba_no_workbook}}"), vbExclamation, Unhex("{{excel_title}}")
        Exit Sub
    End If
    RunPython "import icx.excel.macros as m; m.click('" & control.Tag & "', '" & XLWINGS_VERSION & "')"
End Sub

Private Function Unhex(ByVal codes As String) As String
    Dim i As Long
    For i = 1 To Len(codes) Step 4
        Unhex = Unhex & ChrW(CLng("&H" & Mid$(codes, i, 4)))
    Next i
End Function
