"""The viewer's bar: page navigation (◀ 이전 쪽, the page list, / n쪽, 다음 쪽 ▶) and zoom
(축소 −, the percentage, 확대 +, 폭 맞춤), with the busy line at its end.

The bar only shows and asks: its signals say what the user wants, `show_state` shows where the
viewer is (widgets/viewer.py draws and decides)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from .busy import BusyIndicator

#: the steps 확대 / 축소 go through
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


class ViewerBar(QWidget):
    """Page and zoom controls of the document viewer."""

    previous_page = Signal()
    next_page = Signal()
    page_chosen = Signal(int)  # 0-based
    zoom_in = Signal()
    zoom_out = Signal()
    fit_to_width = Signal()

    def __init__(self, paged: bool, parent: QWidget | None = None):
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.prev_button = QPushButton(self.tr("◀ 이전 쪽"))
        self.prev_button.setToolTip(self.tr("이전 쪽 (PgUp)"))
        self.prev_button.clicked.connect(self.previous_page)
        self.page_combo = QComboBox()
        self.page_combo.setMinimumWidth(70)
        self.page_combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.page_combo.setAccessibleName(self.tr("쪽 번호"))
        self.page_combo.activated.connect(self.page_chosen)
        self.page_total = QLabel(self.tr("/ 1쪽"))
        self.next_button = QPushButton(self.tr("다음 쪽 ▶"))
        self.next_button.setToolTip(self.tr("다음 쪽 (PgDn)"))
        self.next_button.clicked.connect(self.next_page)
        self.zoom_out_button = QPushButton(self.tr("축소 −"))
        self.zoom_out_button.setToolTip(self.tr("축소 (Ctrl+-)"))
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = QPushButton(self.tr("확대 +"))
        self.zoom_in_button.setToolTip(self.tr("확대 (Ctrl++)"))
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_button = QPushButton(self.tr("폭 맞춤"))
        self.fit_button.setToolTip(self.tr("창 너비에 맞춤 (Ctrl+0)"))
        self.fit_button.setCheckable(True)
        self.fit_button.setStyleSheet("QPushButton:checked { background: #e6eef8; border-color: #1e4e8c; }")
        self.fit_button.clicked.connect(self.fit_to_width)
        self.page_widgets = (self.prev_button, self.page_combo, self.page_total, self.next_button)
        for w in self.page_widgets:
            bar.addWidget(w)
        self.separator = QFrame()
        self.separator.setFrameShape(QFrame.Shape.VLine)
        self.separator.setFrameShadow(QFrame.Shadow.Sunken)
        bar.addWidget(self.separator)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.busy = BusyIndicator()
        bar.addWidget(self.busy)
        for w in (*self.page_widgets, self.separator):
            w.setVisible(paged)  # a picture has no pages to turn

    def show_state(self, *, paged: bool, shown: bool, page_count: int, current_page: int, zoom: float,
                   fit_width: bool) -> None:
        """Where the viewer is: which page of how many, at what zoom; `shown` False when there is
        nothing to zoom (a file that cannot be shown)."""
        count = max(1, page_count)
        if self.page_combo.count() != count:
            self.page_combo.clear()
            self.page_combo.addItems([str(n) for n in range(1, count + 1)])
        self.page_combo.setCurrentIndex(current_page)
        self.page_combo.setEnabled(paged and page_count > 1)
        self.page_total.setText(self.tr("/ {n}쪽").format(n=count))
        self.prev_button.setEnabled(paged and current_page > 0)
        self.next_button.setEnabled(paged and current_page < page_count - 1)
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self.zoom_in_button.setEnabled(shown and zoom < ZOOM_STEPS[-1] - 0.005)
        self.zoom_out_button.setEnabled(shown and zoom > ZOOM_STEPS[0] + 0.005)
        self.fit_button.setEnabled(shown)
        self.fit_button.setChecked(fit_width)
