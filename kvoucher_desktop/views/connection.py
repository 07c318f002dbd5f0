"""Shared-desk database connection: test a PostgreSQL URL and remember it in the OS keyring."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QLineEdit, QPushButton, QVBoxLayout

from .. import settings
from ..services.store import check_connection
from .tasks import error_text
from .widgets.common import ErrorLabel, title_label


class ConnectionDialog(QDialog):
    def __init__(self, ctx, current: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("데이터베이스 연결"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with an error message
        layout.addWidget(title_label(self.tr("공용 데이터베이스(PostgreSQL) 연결"), 2))
        now = QLabel(self.tr("현재 사용 중: {store}").format(store=current))
        now.setObjectName("hint")
        layout.addWidget(now)
        explain = QLabel(self.tr(
            "여러 창구가 함께 쓰는 서버의 주소를 입력하세요. 예: postgresql://사용자:비밀번호@서버:5432/kvoucher\n"
            "저장한 주소(비밀번호 포함)는 운영체제 보안 저장소(키링)에만 보관되며, 다음 실행부터 사용됩니다."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.url = QLineEdit()
        self.url.setObjectName("database_url")
        self.url.setPlaceholderText("postgresql://user:password@host:5432/kvoucher")
        layout.addWidget(self.url)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("연결 확인"))
        self.test_button.clicked.connect(self.test_connection)
        self.save_button = QPushButton(self.tr("키링에 저장"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.forget_button = QPushButton(self.tr("저장된 주소 삭제"))
        self.forget_button.clicked.connect(self.forget)
        close = QPushButton(self.tr("닫기"))
        close.clicked.connect(self.reject)
        for button in (self.test_button, self.save_button, self.forget_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)

    def _busy(self, busy: bool) -> None:
        for button in (self.test_button, self.save_button, self.forget_button):
            button.setEnabled(not busy)

    def test_connection(self) -> None:
        self.error.clear_message()
        self.result.setText(self.tr("연결을 확인하는 중입니다…"))
        self._busy(True)
        url = self.url.text()
        self.ctx.query(lambda: check_connection(url), parent=self).success(self._tested).failure(self._failed).run()

    def _tested(self, description: str) -> None:
        self._busy(False)
        self.result.setText(self.tr("연결되었습니다: {d}").format(d=description))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.result.clear()
        self.error.show_message(error_text(exc) if not isinstance(exc, settings.KeyringUnavailable) else exc.message)

    def save(self) -> None:
        self.error.clear_message()
        url = self.url.text().strip()
        if not url:
            self.error.show_message(self.tr("저장할 주소를 입력해 주세요."))
            return
        self._busy(True)

        def work():
            description = check_connection(url)
            settings.save_database_url(url)
            return description

        self.ctx.op(work, parent=self).success(self._saved).failure(self._failed).run()

    def _saved(self, description: str) -> None:
        self._busy(False)
        self.result.setText(self.tr("저장했습니다. 프로그램을 다시 시작하면 {d}에 연결합니다.").format(d=description))

    def forget(self) -> None:
        self.error.clear_message()
        self._busy(True)
        self.ctx.op(lambda: settings.save_database_url(None), parent=self).success(
            lambda _r: (self._busy(False), self.result.setText(self.tr("저장된 주소를 삭제했습니다.")))) \
            .failure(self._failed).run()
