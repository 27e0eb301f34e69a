"""What a PDF page shows, from poppler's ``pdftotext -bbox``: each word with its box, so tests can
say whether words overlap, how small text is printed and what heads each page."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# pdftotext's box of a word is about 1.3 times the font size high (ascent and descent of the
# CJK font LibreOffice substitutes; measured on 10 pt text: 13.0 pt).
BOX_PER_PT = 1.3
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def size(self) -> float:
        """The printed font size in points (estimated from the box height)."""
        return (self.y1 - self.y0) / BOX_PER_PT

    def overlap(self, other: Word) -> float:
        """Area (pt²) the two words' glyphs share: each box less the font's leading above and
        below (a fifth of its height each side; lines of one wrapped cell sit closer than the
        boxes pdftotext reports)."""
        a_top, a_bottom = self.y0 + 0.2 * (self.y1 - self.y0), self.y1 - 0.2 * (self.y1 - self.y0)
        b_top, b_bottom = other.y0 + 0.2 * (other.y1 - other.y0), other.y1 - 0.2 * (other.y1 - other.y0)
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(a_bottom, b_bottom) - max(a_top, b_top)
        return w * h if w > 0 and h > 0 else 0.0


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def title(self) -> str:
        """The page header's line (the words at the top of the page)."""
        top = [w for w in self.words if w.y0 < 40]
        return " ".join(w.text for w in sorted(top, key=lambda w: w.x0))

    def overlapping(self, tolerance: float = 2.0) -> list[tuple[Word, Word]]:
        """Pairs of words whose boxes share more than ``tolerance`` pt² (glyphs drawn over glyphs)."""
        found = []
        words = sorted(self.words, key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b.y0 >= a.y1:
                    break
                if a.overlap(b) > tolerance:
                    found.append((a, b))
        return found


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=120)
    found = []
    for n, m in enumerate(_PAGE.finditer(out.stdout.decode("utf-8")), start=1):
        words = [
            Word(html.unescape(w[4]), float(w[0]), float(w[1]), float(w[2]), float(w[3])) for w in _WORD.findall(m[3])
        ]
        found.append(Page(n, float(m[1]), float(m[2]), words))
    return found
