"""The committee pack as LibreOffice prints it (issue 18): the demo's committee workbook, one
feedback workbook and a scored register converted to PDF, then read back word by word with
poppler's ``pdftotext -bbox``: no two words overlap, no text is printed under 7 pt, every page of
a long table repeats its header row. Every page: the scored copy's template sheets too (风险清单,
the control matrices, 基础性评价 … print at a fixed zoom across several pages, ``icx.io.sheet_print``)."""

from __future__ import annotations

import pytest

from icx.io.print_layout import MIN_PRINTED_PT
from tests.print.pdf_pages import Page

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]
SIZE_TOLERANCE = 0.2  # pt: pdftotext's boxes are rounded


@pytest.mark.parametrize("name", ["committee", "feedback", "scored"])
def test_no_words_overlap(pdfs: dict[str, list[Page]], name: str) -> None:
    found = pdfs[name]
    assert found
    bad = {p.number: [(a.text, b.text) for a, b in p.overlapping()[:3]] for p in found if p.overlapping()}
    assert bad == {}


@pytest.mark.parametrize("name", ["committee", "feedback", "scored"])
def test_no_text_under_7pt(pdfs: dict[str, list[Page]], name: str) -> None:
    found = pdfs[name]
    small = {
        p.number: sorted(
            {(w.text[:12], round(w.size, 1)) for w in p.words if w.size < MIN_PRINTED_PT - SIZE_TOLERANCE}
        )[:3]
        for p in found
    }
    assert {n: words for n, words in small.items() if words} == {}


def test_long_tables_repeat_their_header(pdfs: dict[str, list[Page]]) -> None:
    """Every page of the 风险排序 and 冲突清单 sheets (several pages each in the demo) starts with
    the table's header row."""
    committee = pdfs["committee"]
    for sheet, heads in (("风险排序", ("总排序", "风险描述")), ("冲突清单", ("单位编码", "姓名"))):
        own = [p for p in committee if p.title.endswith(sheet)]  # "— 风险排序" or "— 附录 · 风险排序"
        assert len(own) >= 2, sheet
        for page in own:
            below_title = sorted((w for w in page.words if w.y0 >= 40), key=lambda w: (round(w.y0), w.x0))
            first_line = [w.text for w in below_title if abs(w.y0 - below_title[0].y0) < 8]
            for head in heads:
                assert any(head in text for text in first_line), (sheet, page.number, first_line)
