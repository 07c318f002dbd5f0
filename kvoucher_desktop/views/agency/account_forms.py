"""The forms of 계정 관리: the new-account form beside the list (it builds and validates what is
typed; the page loads, acts and tells) and the dialog that registers a supplier company."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role
from ...services.accounts import ROLE_LABELS
from ...services.dto import OperatorView, SupplierView
from ...services.errors import ValidationError
from ...services.rules.numbers import format_business_no
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel
from ..widgets.forms import FieldErrors

CREATABLE_ROLES = (Role.OPERATOR, Role.SUPPLIER, Role.AGENCY)


def _uuid(data) -> uuid.UUID | None:
    """Combo boxes keep ids as text (Qt compares plain strings reliably)."""
    return uuid.UUID(data) if data else None


def fill_combo(combo: QComboBox, items: list[tuple[str, object]], select=None) -> None:
    """Replace `combo`'s items, keeping the choice (or choosing `select`) when it is still there."""
    keep = select if select is not None else combo.currentData()
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    if keep is not None and combo.findData(keep) >= 0:
        combo.setCurrentIndex(combo.findData(keep))


class AccountForm(QGroupBox):
    """새 계정 만들기: role (with its 운영기관 or 공급기업), login, password twice, name, contact.

    `values()` gives the arguments of `accounts.create_account` or raises a ValidationError
    (with its field) for what only the view can check; `errors` marks what the service refused."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("새 계정 만들기"))
        form = QFormLayout(self)
        self.role = QComboBox()
        for role in CREATABLE_ROLES:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.role.currentIndexChanged.connect(lambda _i: self._role_changed())
        form.addRow(self.tr("구분"), self.role)
        self.operator = QComboBox()
        form.addRow(self.tr("소속 운영기관"), self.operator)
        supplier_row = QWidget()
        supplier_layout = QHBoxLayout(supplier_row)
        supplier_layout.setContentsMargins(0, 0, 0, 0)
        self.supplier = QComboBox()
        self.supplier.setMinimumWidth(180)
        self.new_supplier_button = QPushButton(self.tr("새 공급기업 등록…"))
        supplier_layout.addWidget(self.supplier, 1)
        supplier_layout.addWidget(self.new_supplier_button)
        self.supplier_row = supplier_row
        form.addRow(self.tr("공급기업"), supplier_row)
        self.login_id = QLineEdit()
        self.login_id.setPlaceholderText(self.tr("영문으로 시작, 4~30자"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("10자 이상"))
        self.password_confirm = QLineEdit()
        self.password_confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("예: 서울 운영기관 심사담당"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("010-1234-5678")
        self.email = QLineEdit()
        form.addRow(self.tr("아이디"), self.login_id)
        form.addRow(self.tr("비밀번호"), self.password)
        form.addRow(self.tr("비밀번호 확인"), self.password_confirm)
        form.addRow(self.tr("이름"), self.display_name)
        form.addRow(self.tr("연락처"), self.phone)
        form.addRow(self.tr("이메일"), self.email)
        self.error = ErrorLabel()
        form.addRow(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.create_button = QPushButton(self.tr("계정 만들기"))
        self.create_button.setObjectName("primary")
        row.addWidget(self.create_button)
        form.addRow(row)
        self.form = form
        self.errors = FieldErrors(self.error, {
            "role": self.role, "operator_id": self.operator, "supplier_id": self.supplier,
            "login_id": self.login_id, "password": self.password, "password_confirm": self.password_confirm,
            "display_name": self.display_name,
        })
        self._role_changed()

    def selected_role(self) -> Role:
        return Role(self.role.currentData())

    def _role_changed(self) -> None:
        role = self.selected_role()
        self.form.setRowVisible(self.operator, role is Role.OPERATOR)
        self.form.setRowVisible(self.supplier_row, role is Role.SUPPLIER)

    def fill_operators(self, operators: list[OperatorView]) -> None:
        fill_combo(self.operator, [(f"{o.name} ({o.region})", str(o.id)) for o in operators])

    def fill_suppliers(self, suppliers: list[SupplierView], select=None) -> None:
        fill_combo(self.supplier, [(f"{s.name} ({format_business_no(s.business_no)})", str(s.id))
                                   for s in suppliers], None if select is None else str(select))

    def values(self) -> dict:
        """The arguments of `create_account` (without the actor); a mismatched confirmation raises."""
        if self.password.text() != self.password_confirm.text():
            raise ValidationError(self.tr("비밀번호 확인이 일치하지 않습니다."), field="password_confirm")
        role = self.selected_role()
        return dict(
            role=role, login_id=self.login_id.text().strip(), password=self.password.text(),
            display_name=self.display_name.text(),
            operator_id=_uuid(self.operator.currentData()) if role is Role.OPERATOR else None,
            supplier_id=_uuid(self.supplier.currentData()) if role is Role.SUPPLIER else None,
            phone=self.phone.text().strip() or None, email=self.email.text().strip() or None,
        )

    def clear_inputs(self) -> None:
        """After an account was made: the typed values go (role and organisation stay)."""
        for edit in (self.login_id, self.password, self.password_confirm, self.display_name, self.phone,
                     self.email):
            edit.clear()


class SupplierDialog(QDialog):
    """Registers a supplier company; stays open with the field marked when refused."""

    saved = Signal(object)  # SupplierView

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("공급기업 등록"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields = {
            "name": QLineEdit(), "business_no": QLineEdit(), "representative_name": QLineEdit(),
            "phone": QLineEdit(), "email": QLineEdit(), "address": QLineEdit(),
        }
        self.fields["business_no"].setPlaceholderText("123-45-67890")
        self.fields["phone"].setPlaceholderText("02-1234-5678")
        labels = {
            "name": self.tr("공급기업명"), "business_no": self.tr("사업자등록번호"),
            "representative_name": self.tr("대표자명"), "phone": self.tr("연락처"),
            "email": self.tr("이메일"), "address": self.tr("주소"),
        }
        for key, edit in self.fields.items():
            form.addRow(labels[key], edit)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(self.tr("취소"))
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton(self.tr("등록"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.errors = FieldErrors(self.error, self.fields)

    def save(self) -> None:
        self.errors.clear()
        actor = self.ctx.actor
        programme = self.ctx.services.programme
        values = {key: edit.text() for key, edit in self.fields.items()}

        def done(supplier: SupplierView) -> None:
            self.saved.emit(supplier)
            self.accept()

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: programme.save_supplier(actor, **values), parent=self) \
            .busy(text=self.tr("등록하는 중…")).success(done).failure(failed) \
            .after(lambda: self.save_button.setEnabled(not self.busy.busy)).run()
        self.save_button.setEnabled(False)
