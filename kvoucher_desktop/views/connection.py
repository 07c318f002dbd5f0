"""Where this desk's store is: a shared PostgreSQL database (설정 → 데이터베이스 연결…) or a programme
server (설정 → 서버 연결…). Each dialog tests an address off the GUI thread and remembers it in the OS
keyring, which remembers one store (settings.py); the program uses it from its next start."""

from __future__ import annotations

import os
from typing import Callable

from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from .. import settings
from ..services.errors import DomainError
from ..services.store import check_connection
from .tasks import error_text
from .widgets.common import ErrorLabel, mark_invalid, title_label
from .widgets.dialogs import FitsItsText


class StoreDialog(FitsItsText, QDialog):
    """What both dialogs are: a heading, the store in use, an explanation, the address fields, the
    result and error lines, and 연결 확인 / 키링에 저장 / 저장된 주소 삭제 / 닫기. What differs is given
    by the subclass: its fields (`build_fields`), the check (`checker`), saving and forgetting."""

    window_title = ""
    heading = ""
    explanation = ""

    def __init__(self, ctx, current: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr(self.window_title))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)  # the dialog grows with an error message (FitsItsText)
        layout.addWidget(title_label(self.tr(self.heading), 2))
        now = QLabel(self.tr("현재 사용 중: {store}").format(store=current))
        now.setObjectName("hint")
        layout.addWidget(now)
        explain = QLabel(self.tr(self.explanation))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.build_fields(layout)
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
        self.close_button = QPushButton(self.tr("닫기"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.test_button, self.save_button, self.forget_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    # --- what a dialog says and does --------------------------------------------------------------
    def build_fields(self, layout: QVBoxLayout) -> None:
        raise NotImplementedError

    def fields(self) -> dict[str, QLineEdit]:
        """The inputs by the `field` a refusal may name."""
        return {"url": self.url}

    def checker(self) -> Callable[[], str]:
        """The check of what is typed, to run off the GUI thread: a description, or it raises."""
        raise NotImplementedError

    def remember_work(self) -> Callable[[], None]:
        """Saving what is typed now in the keyring, to run off the GUI thread after the check passed."""
        raise NotImplementedError

    def forget_saved(self) -> None:
        raise NotImplementedError

    def saved_text(self, description: str) -> str:
        return self.tr("저장했습니다. 프로그램을 다시 시작하면 {d}에 연결합니다.").format(d=description)

    # --- the buttons --------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for button in (self.test_button, self.save_button, self.forget_button):
            button.setEnabled(not busy)

    def _start(self) -> None:
        self.error.clear_message()
        for edit in self.fields().values():
            mark_invalid(edit, False)

    def test_connection(self) -> None:
        self._start()
        self.result.setText(self.tr("연결을 확인하는 중입니다…"))
        self._busy(True)
        self.ctx.query(self.checker(), parent=self).success(self._tested).failure(self._failed).run()

    def _tested(self, description: str) -> None:
        self._busy(False)
        self.result.setText(self.tr("연결되었습니다: {d}").format(d=description))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.result.clear()
        if isinstance(exc, settings.KeyringUnavailable):
            self.error.show_message(exc.message)
            return
        self.error.show_message(error_text(exc))
        edit = self.fields().get(exc.field or "") if isinstance(exc, DomainError) else None
        if edit is not None:
            mark_invalid(edit, True)
            edit.setFocus()

    def save(self) -> None:
        self._start()
        if not self.url.text().strip():
            self.error.show_message(self.tr("저장할 주소를 입력해 주세요."))
            self.url.setFocus()
            return
        self._busy(True)
        check, remember = self.checker(), self.remember_work()

        def work():
            description = check()
            remember()
            return description

        self.ctx.op(work, parent=self).success(self._saved).failure(self._failed).run()

    def _saved(self, description: str) -> None:
        self._busy(False)
        self.result.setText(self.saved_text(description))

    def forget(self) -> None:
        self._start()
        self._busy(True)
        self.ctx.op(self.forget_saved, parent=self).success(
            lambda _r: (self._busy(False), self.result.setText(self.tr("저장된 주소를 삭제했습니다.")))) \
            .failure(self._failed).run()


class ConnectionDialog(StoreDialog):
    """설정 → 데이터베이스 연결…: a shared PostgreSQL database (the agency's own network)."""

    window_title = "데이터베이스 연결"
    heading = "공용 데이터베이스(PostgreSQL) 연결"
    explanation = ("여러 창구가 함께 쓰는 서버의 주소를 입력하세요. 예: postgresql://사용자:비밀번호@서버:5432/kvoucher\n"
                   "저장한 주소(비밀번호 포함)는 운영체제 보안 저장소(키링)에만 보관되며, 다음 실행부터 사용됩니다. "
                   "키링에 저장된 서버 주소는 지워집니다.")

    def build_fields(self, layout: QVBoxLayout) -> None:
        self.url = QLineEdit()
        self.url.setObjectName("database_url")
        self.url.setPlaceholderText("postgresql://user:password@host:5432/kvoucher")
        layout.addWidget(self.url)

    def checker(self) -> Callable[[], str]:
        url = self.url.text()
        return lambda: check_connection(url)

    def remember_work(self) -> Callable[[], None]:
        url = self.url.text().strip()
        return lambda: settings.save_database_url(url)

    def forget_saved(self) -> None:
        settings.save_database_url(None)


class ServerConnectionDialog(StoreDialog):
    """설정 → 서버 연결…: a programme server (https), with the CA file of a private certificate.

    `check(url, ca_file) -> description` is the health check the composition root gives
    (app.check_server: GET /api/v1/health through the client); it raises with a Korean reason."""

    window_title = "서버 연결"
    heading = "프로그램 서버 연결"
    explanation = ("수요기업·공급기업 창구는 데이터베이스 대신 프로그램 서버에 연결합니다.\n"
                   "서버 주소 예: https://voucher.example.kr:8443\n"
                   "사설 인증서를 쓰는 서버라면 그 인증서를 발급한 CA 파일(PEM)을 지정하세요. 비워 두면 운영체제의 "
                   "인증서 저장소를 씁니다.\n"
                   "저장한 주소는 운영체제 보안 저장소(키링)에 보관되어 다음 실행부터 사용되며, 키링에 저장된 "
                   "데이터베이스 주소는 지워집니다.")

    def __init__(self, ctx, current: str, check: Callable[[str, str | None], str], parent=None):
        self._check = check
        super().__init__(ctx, current, parent)
        self.test_button.setDefault(True)  # Enter in a field: 연결 확인
        ctx.query(settings.saved_server, parent=self).quiet().success(self._prefill) \
            .failure(lambda _exc: None).run()

    def build_fields(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setObjectName("server_url")
        self.url.setPlaceholderText("https://voucher.example.kr:8443")
        url_label = QLabel(self.tr("서버 주소(&A)"))
        url_label.setBuddy(self.url)
        form.addRow(url_label, self.url)
        self.ca = QLineEdit()
        self.ca.setObjectName("server_ca")
        self.ca.setPlaceholderText(self.tr("비워 두면 운영체제의 인증서 저장소"))
        self.browse_button = QPushButton(self.tr("찾아보기…"))
        self.browse_button.clicked.connect(self.choose_ca)
        ca_row = QWidget()
        row = QHBoxLayout(ca_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ca, 1)
        row.addWidget(self.browse_button)
        ca_label = QLabel(self.tr("CA 파일(&C)"))
        ca_label.setBuddy(self.ca)
        form.addRow(ca_label, ca_row)
        layout.addLayout(form)

    def fields(self) -> dict[str, QLineEdit]:
        return {"url": self.url, "ca_file": self.ca}

    def _prefill(self, saved: tuple[str | None, str | None]) -> None:
        url, ca_file = saved
        if url and not self.url.text():
            self.url.setText(url)
            if ca_file and not self.ca.text():
                self.ca.setText(ca_file)

    def choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("CA 파일 선택"), self.ca.text(),
                                                    self.tr("인증서 (*.pem *.crt *.cer);;모든 파일 (*)"))
        if path:
            self.ca.setText(path)

    def _typed(self) -> tuple[str, str | None]:
        ca_file = self.ca.text().strip()
        return self.url.text().strip(), (os.path.abspath(ca_file) if ca_file else None)

    def checker(self) -> Callable[[], str]:
        url, ca_file = self._typed()
        check = self._check
        return lambda: check(url, ca_file)

    def remember_work(self) -> Callable[[], None]:
        url, ca_file = self._typed()
        return lambda: settings.save_server_url(url, ca_file)

    def forget_saved(self) -> None:
        settings.save_server_url(None)

    def saved_text(self, description: str) -> str:
        return self.tr("저장했습니다. 프로그램을 다시 시작하면 이 서버에 연결합니다. ({d})").format(d=description)
