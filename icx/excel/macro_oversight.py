"""The ribbon's 岗位与授权检查 button: key-post rotation, approval limits, treatment and sign-off.

Runs the three checks of ``icx check rotation | authority | treatment`` on the workbook the
button was clicked in and writes their result sheets (轮岗检查, 授权检查, 应对与审定) exactly as
those commands do, lists problems in 问题清单 and fills the cells each finding is about. The ribbon
calls it through ``icx.excel.macros.check_posts_and_authority`` (the one module of ``@xw.sub``
macros); the work is here, apart from the other buttons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology
from icx.excel.macros import _lang, _problems_note, _put_problems, _run, _say
from icx.excel.port import WorkbookPort, file_label, read_book

MARK = "FFC7CE"  # the fill of a finding's cells, as the checked copy of the CLI has it


def check_posts_and_authority(
    port: WorkbookPort | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """岗位与授权检查: rotation, approval limits, treatment and sign-off (as ``icx check`` each)."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.oversight import all_findings, context, run_checks, unique_problems
        from icx.io.oversight_sheets import SHEETS, WRITERS
        from icx.io.specs import sheet_names

        ctx = context(read_book(port), file=file_label(port), methodology=methodology, as_of=as_of)
        results = run_checks(ctx)
        problems = unique_problems([p for r in results.values() for p in r.problems])
        ran = {name: r for name, r in results.items() if r.ran}
        if not ran:
            raise IcxError(problems or [Problem.of("oversight_nothing_to_check", file=file_label(port))])
        for name, check in ran.items():
            port.put_sheet(
                sheet_names(SHEETS[name])[0 if lg == "zh" else 1],
                lambda wb, writer=WRITERS[name], check=check: writer(wb, check, lg),
            )
        findings = all_findings(ran)
        cells: dict[str, list[str]] = {}
        for f in findings:
            for source in f.sources:
                sheet, _, ref = source.rpartition("!")
                if sheet in port.sheet_names() and ref[:1].isalpha() and ref[-1:].isdigit():
                    cells.setdefault(sheet, []).append(ref)
        for sheet, refs in cells.items():
            port.highlight(sheet, refs, MARK)
        _put_problems(port, problems, lg)
        counts = {name: len(ran[name].findings) if name in ran else 0 for name in results}
        message = _say("excel_oversight", lg, as_of=ctx.as_of, **counts)
        port.tell(message + _problems_note(problems, lg))
        return results

    return _run(port, lg, "check_posts_and_authority", work)
