"""Drawing on an A4 page with ReportLab's canvas: texts in the bundled font, wrapped by width
(Korean wraps between any two syllables; a space is preferred), and bordered tables of cells
whose rows grow with their text. No Qt, no database: plain values in, drawing out."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .fonts import BOLD, REGULAR

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PAD = 2.2 * mm  # inside a cell, left and right
INK = Color(0.1, 0.12, 0.16)
RULE = Color(0.25, 0.28, 0.33)
LABEL_FILL = Color(0.93, 0.945, 0.96)
HEAD_FILL = Color(0.86, 0.89, 0.93)
MUTED = Color(0.38, 0.42, 0.48)
ACCENT = Color(0.62, 0.1, 0.12)  # the cancellation mark


@dataclass(frozen=True)
class Cell:
    text: str
    align: str = "left"  # left, right, center
    bold: bool = False
    fill: Color | None = None
    span: int = 1  # how many columns it covers
    size: float = 9.5
    max_lines: int = 4


def label(text: str, span: int = 1) -> Cell:
    return Cell(text, "center", True, LABEL_FILL, span)


def head(text: str, span: int = 1) -> Cell:
    return Cell(text, "center", True, HEAD_FILL, span)


def value(text: str, span: int = 1, *, bold: bool = False, max_lines: int = 4) -> Cell:
    return Cell(text, "left", bold, None, span, max_lines=max_lines)


def money(text: str, span: int = 1, *, bold: bool = False) -> Cell:
    return Cell(text, "right", bold, None, span)


def _char_widths(font: str, size: float) -> dict[str, float]:
    widths = _WIDTHS.get((font, size))
    if widths is None:
        widths = _WIDTHS[(font, size)] = {}
    return widths


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width`, breaking at a space where one is in the line and
    between any two characters otherwise; the last allowed line ends in … when text is left.
    (Widths are added per character, each measured once per font and size.)"""
    text = text or ""
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return [text]
    known = _char_widths(font, size)

    def w(ch: str) -> float:
        v = known.get(ch)
        if v is None:
            v = known[ch] = stringWidth(ch, font, size)
        return v

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for ch in paragraph:
            cw = w(ch)
            if line_width + cw <= width:
                line += ch
                line_width += cw
                continue
            cut = line.rfind(" ")
            if ch != " " and 0 < cut and cut >= len(line) // 2:
                lines.append(line[:cut])
                line = line[cut + 1:] + ch
            else:
                lines.append(line)
                line = "" if ch == " " else ch
            line_width = sum(w(c) for c in line)
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and sum(w(c) for c in last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


class Sheet:
    """A canvas with the house helpers; `y` is the pen's height (points from the bottom)."""

    def __init__(self, canvas: Canvas):
        self.c = canvas
        self.y = PAGE_HEIGHT - MARGIN

    def text(self, x: float, y: float, text: str, size: float = 9.5, *, bold: bool = False,
             align: str = "left", color: Color = INK) -> None:
        c = self.c
        c.setFillColor(color)
        c.setFont(BOLD if bold else REGULAR, size)
        if align == "right":
            c.drawRightString(x, y, text)
        elif align == "center":
            c.drawCentredString(x, y, text)
        else:
            c.drawString(x, y, text)

    def rule(self, y: float, width: float = 0.6) -> None:
        self.c.setStrokeColor(RULE)
        self.c.setLineWidth(width)
        self.c.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)

    def section(self, title: str) -> None:
        """A small heading above the next table."""
        self.y -= 6 * mm
        self.text(MARGIN, self.y, title, 10.5, bold=True)
        self.y -= 2.2 * mm

    def table(self, widths: list[float], rows: list[list[Cell]], *, min_height: float = 7.5 * mm) -> None:
        """A bordered table at the pen, full lines around every cell, rows as tall as their text;
        the pen moves below it. `widths` are fractions of the content width."""
        c = self.c
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w * CONTENT_WIDTH)
        top = self.y
        c.setLineWidth(0.5)
        rules: list[tuple[float, float, float, float]] = []
        for row in rows:
            placed, col = [], 0
            for cell in row:
                x0, x1 = xs[col], xs[col + cell.span]
                font = BOLD if cell.bold else REGULAR
                lines = wrap(cell.text, font, cell.size, x1 - x0 - 2 * PAD, cell.max_lines)
                placed.append((cell, x0, x1, font, lines))
                col += cell.span
            leading = max(cell.size for cell in row) * 1.35
            height = max(min_height, max(len(p[4]) for p in placed) * leading + 2.6 * mm)
            bottom = self.y - height
            for cell, x0, x1, font, lines in placed:
                if cell.fill is not None:
                    c.setFillColor(cell.fill)
                    c.rect(x0, bottom, x1 - x0, height, stroke=0, fill=1)
                c.setFillColor(INK)
                c.setFont(font, cell.size)
                block = len(lines) * cell.size * 1.35
                base = bottom + (height + block) / 2 - cell.size * 1.05
                for i, line in enumerate(lines):
                    yy = base - i * cell.size * 1.35
                    if cell.align == "right":
                        c.drawRightString(x1 - PAD, yy, line)
                    elif cell.align == "center":
                        c.drawCentredString((x0 + x1) / 2, yy, line)
                    else:
                        c.drawString(x0 + PAD, yy, line)
            rules.append((xs[0], bottom, xs[-1], bottom))
            rules.extend((x0, bottom, x0, self.y) for _cell, x0, _x1, _font, _lines in placed[1:])
            self.y = bottom
        c.setStrokeColor(RULE)  # the lines after every fill, so no fill covers half a line
        c.lines(rules)
        c.setLineWidth(1.0)
        c.rect(xs[0], self.y, xs[-1] - xs[0], top - self.y, stroke=1, fill=0)
        c.setLineWidth(0.5)
