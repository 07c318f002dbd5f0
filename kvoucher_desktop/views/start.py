"""The page the main window's shell shows while the store opens, or why it could not be opened.

Imports Qt only: it is on screen before the services layer is loaded (docs/decisions.md, "Start-up").
Its first frame names no `Qt.*` enum: the first use of the `Qt` namespace makes PySide6 create its
hundred Python enums (≈40–60 ms); the labels are centred by the style sheet's `qproperty-alignment`
and the rest is set in `finish`, after the first paint.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

OPENING_MESSAGE = "데이터베이스를 여는 중입니다…"
DEMO_MESSAGE = "데모 데이터를 준비하고 있습니다…"
FAILED_TITLE = "시작할 수 없습니다"
CENTRED = "qproperty-alignment: AlignCenter;"
FAILED_HINT = "설정 → 데이터베이스 연결… 또는 서버 연결…에서 주소를 확인하거나 바꾼 뒤 프로그램을 다시 시작해 주세요."


class StartPage(QWidget):
    def __init__(self, parent: QWidget | None = None, message: str = OPENING_MESSAGE):
        super().__init__(parent)
        self.setObjectName("startPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(1)
        self.title = QLabel(self.tr("K-비대면 바우처 플랫폼"))
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold; qproperty-alignment: AlignCenter;")
        layout.addWidget(self.title)
        self.message = QLabel(self.tr(message))
        self.message.setObjectName("startMessage")
        self.message.setStyleSheet(CENTRED)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: how long the store takes is not known
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(320)
        row = QHBoxLayout()  # centred between two stretches (an alignment flag is a `Qt` enum)
        row.addStretch(1)
        row.addWidget(self.progress)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.failed = False

    def finish(self) -> None:
        """After the first paint: what the first frame does not show (the message can be selected)."""
        from PySide6.QtCore import Qt

        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_message(self, message: str) -> None:
        self.message.setText(message)

    def show_failure(self, message: str) -> None:
        self.failed = True
        self.progress.hide()
        self.title.setText(self.tr(FAILED_TITLE))
        self.message.setObjectName("startError")
        self.message.setStyleSheet(CENTRED + " color: #b00020;")
        self.message.setText(f"{message}\n\n{self.tr(FAILED_HINT)}")
