"""계정 관리: the agency creates operator, supplier and agency accounts (there is no public
signup for them), registers supplier companies, locks (deactivates) and unlocks accounts, and
imports the list of previous-year participants from CSV (SPEC §3, §8).

The page loads the list and acts; the new-account form and the supplier dialog build and
validate what is typed (account_forms.py)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role
from ...services.accounts import ROLE_LABELS
from ...services.clock import format_kst
from ...services.dto import SupplierView, UserView
from ...services.errors import ValidationError
from ..widgets.busy import page_head
from ..widgets.common import SearchBox
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.files import choose_csv, decode_text
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table, selected_row
from .account_forms import CREATABLE_ROLES, AccountForm, SupplierDialog

#: the search waits this long after the last key before asking the store
SEARCH_DELAY_MS = 350


class AccountAdminPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        #: (parent, title) -> (file name, bytes) | None; tests replace it
        self.choose_file = choose_csv
        self.pending_dialog = None
        self.supplier_dialog: SupplierDialog | None = None
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("계정 관리"))
        self.import_button = QPushButton(self.tr("전년도 참여기업 가져오기(CSV)…"))
        self.import_button.setToolTip(self.tr("첫 열에 사업자등록번호가 있는 CSV 파일. 첫 줄은 제목이어도 됩니다. "
                                              "기존 전년도 참여기업 목록을 이 파일로 바꿉니다."))
        self.import_button.clicked.connect(self.import_participants)
        head.addWidget(self.import_button)
        layout.addLayout(head)

        # made inside the page, parents first: a part built on its own and then added is styled
        # again, with all it holds, under the application's style sheet
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("구분")))
        self.role_filter = QComboBox()
        self.role_filter.addItem(self.tr("전체"), None)
        for role in (*CREATABLE_ROLES, Role.DEMAND):
            self.role_filter.addItem(ROLE_LABELS[role], role.value)  # Qt returns str-enums as str
        self.role_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        filter_row.addWidget(self.role_filter)
        self.search = SearchBox(self.tr("아이디 또는 이름(기업명)으로 검색"), self.refresh, 220, SEARCH_DELAY_MS)
        self.search.setToolTip(self.tr("수요기업 계정은 검색해야 나옵니다 (최대 200건)."))
        self.search_timer = self.search.timer
        filter_row.addWidget(self.search, 1)
        self.unlock_button = QPushButton(self.tr("로그인 잠금 해제"))
        self.unlock_button.setToolTip(self.tr("비밀번호를 5회 잘못 입력해 잠긴 계정을 바로 풀어 줍니다."))
        self.unlock_button.clicked.connect(self.unlock_selected)
        filter_row.addWidget(self.unlock_button)
        self.lock_button = QPushButton(self.tr("계정 잠금"))
        self.lock_button.setToolTip(self.tr("계정의 사용을 중지합니다. 로그인되어 있던 창구도 바로 로그아웃되며, "
                                            "'로그인 잠금 해제'로 다시 풀 수 있습니다."))
        self.lock_button.clicked.connect(self.lock_selected)
        filter_row.addWidget(self.lock_button)
        left_layout.addLayout(filter_row)
        self.model = RowTableModel([
            Column(self.tr("아이디"), lambda u: u.login_id, width=140),
            Column(self.tr("구분"), lambda u: ROLE_LABELS[u.role], ALIGN_CENTER, 80),
            Column(self.tr("이름"), lambda u: u.display_name, width=170),
            Column(self.tr("소속"), lambda u: u.organisation, width=180),
            Column(self.tr("상태"), self._status, ALIGN_CENTER, 120),
        ], parent=self)
        self.table = make_table(self.model, stretch=3)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        left_layout.addWidget(self.table, 1)
        note = QLabel(self.tr("수요기업 계정은 회원가입으로만 만들어지며, 아이디나 기업명으로 검색하면 "
                              "최대 200건까지 나옵니다 (잠금 해제용)."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        left_layout.addWidget(note)
        splitter.addWidget(left)
        splitter.addWidget(self._create_form(splitter))
        splitter.setSizes([620, 460])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

    def _create_form(self, parent: QWidget) -> QWidget:
        self.account_form = f = AccountForm(parent)
        f.create_button.clicked.connect(self.create_account)
        f.new_supplier_button.clicked.connect(self.open_supplier_dialog)
        # the form's inputs, named as before on the page
        self.role, self.operator, self.supplier, self.supplier_row = f.role, f.operator, f.supplier, f.supplier_row
        self.new_supplier_button, self.create_button = f.new_supplier_button, f.create_button
        self.login_id, self.password, self.password_confirm = f.login_id, f.password, f.password_confirm
        self.display_name, self.phone, self.email = f.display_name, f.phone, f.email
        self.error, self.errors, self.form = f.error, f.errors, f.form
        return f

    def selected_role(self) -> Role:
        return self.account_form.selected_role()

    # --- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        services = self.ctx.services
        role = Role(self.role_filter.currentData()) if self.role_filter.currentData() else None
        query = self.search.text().strip()
        self.search_timer.stop()

        def load():
            return (services.accounts.list_accounts(actor, role, query), services.programme.operators(),
                    services.programme.suppliers())

        def done(result) -> None:
            accounts, operators, suppliers = result
            self.model.set_rows(accounts)
            self.account_form.fill_operators(operators)
            self.account_form.fill_suppliers(suppliers)

        # a newer search (typed meanwhile) overtakes this one: only the newest fills the table
        self.ctx.query(load, parent=self, key="accounts").busy(text=self.tr("계정을 불러오는 중…")) \
            .success(done).after(self._update_buttons).run()
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.create_button.setEnabled(idle)
        self.import_button.setEnabled(idle)
        self.unlock_button.setEnabled(idle and selected_row(self.table) is not None)
        self.lock_button.setEnabled(idle and selected_row(self.table) is not None)

    def _status(self, user: UserView) -> str:
        if not user.active:
            return self.tr("잠김 (사용 중지)")
        if user.locked_until:
            return self.tr("잠김 ({t}까지)").format(t=format_kst(user.locked_until)[11:])
        return self.tr("정상")

    def _say(self, title: str, body: str = "", kind: str = "success") -> None:
        self.ctx.show_notice(title, body, kind)

    @property
    def message(self):
        """Where this page's outcomes are told: the window's feedback bar (read through the context)."""
        return self.ctx.feedback

    # --- actions -----------------------------------------------------------------------------
    def create_account(self) -> None:
        self.errors.clear()
        try:
            values = self.account_form.values()
        except ValidationError as exc:
            self.errors.show(exc)
            return
        actor = self.ctx.actor
        accounts = self.ctx.services.accounts

        def done(user: UserView) -> None:
            self.account_form.clear_inputs()
            organisation = f" · {user.organisation}" if user.organisation else ""
            self._say(self.tr("계정을 만들었습니다: {login} ({role}{org})").format(
                login=user.login_id, role=ROLE_LABELS[user.role], org=organisation),
                self.tr("아이디와 처음 비밀번호를 담당자에게 안전하게 전달해 주세요."))
            self.refresh()

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: accounts.create_account(actor, **values), parent=self) \
            .busy(text=self.tr("계정을 만드는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()

    def open_supplier_dialog(self) -> SupplierDialog:
        dialog = SupplierDialog(self.ctx, self)
        dialog.saved.connect(self._supplier_saved)
        self.supplier_dialog = dialog
        dialog.open()
        return dialog

    def _supplier_saved(self, supplier: SupplierView) -> None:
        self.supplier_dialog = None
        self._say(self.tr("공급기업을 등록했습니다: {name}").format(name=supplier.name),
                  self.tr("이제 이 공급기업의 계정을 만들 수 있습니다."))
        programme = self.ctx.services.programme
        self.ctx.query(programme.suppliers, parent=self, key="suppliers").quiet() \
            .success(lambda rows: self.account_form.fill_suppliers(rows, select=supplier.id)).run()

    def unlock_selected(self) -> None:
        user = selected_row(self.table)
        if user is None:
            return
        actor = self.ctx.actor
        accounts = self.ctx.services.accounts

        def done(_result) -> None:
            self.model.update_row(dataclasses.replace(user, locked_until=None, active=True))
            self._say(self.tr("'{login}' 계정의 로그인 잠금을 해제했습니다.").format(login=user.login_id))

        self.ctx.op(lambda: accounts.unlock(actor, user.id), parent=self) \
            .busy(text=self.tr("잠금 해제하는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def lock_selected(self) -> None:
        """Ask for the reason, then lock the selected account (its sessions end at once)."""
        user = selected_row(self.table)
        if user is None:
            return
        self.pending_dialog = ask_reason(
            self, self.tr("계정 잠금"),
            self.tr("'{login}' 계정의 사용을 중지합니다. 이 계정으로 로그인되어 있던 창구는 바로 로그아웃되고, "
                    "잠금을 해제할 때까지 로그인할 수 없습니다.\n잠그는 사유를 입력해 주세요. 감사 기록에 남습니다."
                    ).format(login=user.login_id),
            self.tr("잠그기"), lambda reason: self._lock(user, reason))

    def _lock(self, user: UserView, reason: str) -> None:
        self.pending_dialog = None
        actor = self.ctx.actor
        accounts = self.ctx.services.accounts

        def done(_result) -> None:
            self.model.update_row(dataclasses.replace(user, active=False))
            self._say(self.tr("'{login}' 계정을 잠갔습니다.").format(login=user.login_id),
                      self.tr("'로그인 잠금 해제'로 다시 사용하게 할 수 있습니다."))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._say(self.tr("잠그지 못했습니다."), exc.message, "danger")
            else:
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: accounts.lock(actor, user.id, reason), parent=self) \
            .busy(text=self.tr("계정을 잠그는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()

    def import_participants(self) -> None:
        chosen = self.choose_file(self, self.tr("전년도 참여기업 CSV 파일 선택"))
        if not chosen:
            return
        filename, data = chosen
        text = decode_text(data)
        self.pending_dialog = ask_yes_no(
            self, self.tr("전년도 참여기업 가져오기"),
            self.tr("'{file}'의 사업자등록번호로 전년도 참여기업 목록을 바꿀까요?\n"
                    "이 목록에 있는 기업은 전년도에 발급된 장애인기업확인서 또는 여성기업확인서가 있어야 "
                    "올해 신청할 수 있습니다.").format(file=filename),
            self.tr("가져오기"), lambda: self._import(filename, text))

    def _import(self, filename: str, text: str) -> None:
        self.pending_dialog = None
        actor = self.ctx.actor
        programme = self.ctx.services.programme

        def done(count: int) -> None:
            self._say(self.tr("전년도 참여기업 {n}개 사업자등록번호를 등록했습니다.").format(n=f"{count:,}"),
                      self.tr("파일: {file} (기존 목록은 이 파일의 내용으로 바뀌었습니다)").format(file=filename))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._say(self.tr("가져오지 못했습니다."), exc.message, "danger")
            else:
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: programme.import_previous_participants(actor, text), parent=self) \
            .busy(text=self.tr("가져오는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()
