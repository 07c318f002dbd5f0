"""Bar charts of the statistics page, drawn with pyqtgraph (docs/decisions.md, "Charts"): stacked
vertical bars with text labels under them, and horizontal bars with the labels beside them. The
labels are drawn in the application font (the bundled NanumGothic), so Hangul renders; money axes
read in 만/억 원."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

pg.setConfigOptions(antialias=True, background="w", foreground="#334155")


def short_krw(value: float) -> str:
    """An axis tick in Korean money units: 3억, 1.5억, 400만, 0."""
    v = abs(value)
    sign = "-" if value < 0 else ""
    if v >= 100_000_000:
        return f"{sign}{v / 100_000_000:,.4g}억"
    if v >= 10_000:
        return f"{sign}{v / 10_000:,.4g}만"
    return f"{sign}{v:,.0f}"


class _ValueAxis(pg.AxisItem):
    """A value axis in plain numbers (no SI prefix), money in 만/억."""

    def __init__(self, orientation: str, money: bool):
        super().__init__(orientation)
        self.money = money
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        if self.money:
            return [short_krw(v * scale) for v in values]
        return [f"{v * scale:,.0f}" if float(v * scale).is_integer() else "" for v in values]


def _font() -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
    return font


class BarChart(pg.PlotWidget):
    """Bars per label, one colour per series (stacked); `horizontal` puts the labels on the left."""

    def __init__(self, parent: QWidget | None = None, *, horizontal: bool = False, money: bool = False):
        value_side = "bottom" if horizontal else "left"
        super().__init__(parent, axisItems={value_side: _ValueAxis(value_side, money)})
        self.horizontal, self.money = horizontal, money
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.showGrid(x=horizontal, y=not horizontal, alpha=0.25)
        for side in ("left", "bottom"):
            self.getAxis(side).setStyle(tickFont=_font())
        self.legend = None
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.labels: list[str] = []

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 160)

    def set_bars(self, labels: list[str], series: list[tuple[str, list[float], str]]) -> None:
        """`series`: (name, a value per label, colour); more than one series shows a legend."""
        self.clear()
        if self.legend is not None:
            self.legend.scene().removeItem(self.legend) if self.legend.scene() else None
            self.legend = None
        self.labels = list(labels)
        if len(series) > 1:
            self.legend = self.addLegend(offset=(-10, 10), labelTextSize=f"{_font().pointSizeF():.0f}pt",
                                         colCount=len(series))
        base = [0.0] * len(labels)
        positions = list(range(len(labels)))
        for name, values, colour in series:
            brush, pen = pg.mkBrush(QColor(colour)), pg.mkPen(QColor(colour).darker(115))
            if self.horizontal:
                item = pg.BarGraphItem(x0=base, y=positions, width=values, height=0.6, brush=brush, pen=pen, name=name)
            else:
                item = pg.BarGraphItem(x=positions, y0=base, height=values, width=0.6, brush=brush, pen=pen, name=name)
            self.addItem(item)
            base = [b + v for b, v in zip(base, values)]
        step = max(1, math.ceil(len(labels) / (14 if not self.horizontal else 40)))
        ticks = [[(i, text) for i, text in enumerate(labels) if i % step == 0]]
        label_axis = self.getAxis("left" if self.horizontal else "bottom")
        label_axis.setTicks(ticks)
        top = max(base, default=0) or 1
        if self.horizontal:
            self.setYRange(-0.6, len(labels) - 0.4, padding=0)
            self.setXRange(0, top * (1.15 if self.legend else 1.05), padding=0)
            self.getViewBox().invertY(True)  # the first label on top
        else:
            self.setXRange(-0.6, len(labels) - 0.4, padding=0)
            self.setYRange(0, top * (1.25 if self.legend else 1.08), padding=0)
