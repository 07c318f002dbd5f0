"""The form of 기업정보 수정: 기업 기본정보 beside 담당자 정보.

It builds the fields, shows a company, tells whether the typed values differ from the loaded
ones, and turns them into `CompanyInfo` (refusing a non-numeric head count); it calls no
service. `SaveBar` holds its 되돌리기 / 저장 buttons. The business number, company type, voucher issuer type and payment manager are fixed
after signup: shown read-only and sent unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ...enums import CompanyType, IssuerType
from ...services.dto import CompanyInfo, CompanyView
from ...services.errors import ValidationError
from ...services.rules.limits import limit
from ...services.rules.numbers import ascii_int, format_business_no, format_corporate_no

#: the text fields of CompanyInfo, in form order: (field, group)
TEXT_FIELDS = (
    ("name", "company"),
    ("representative_name", "company"),
    ("representative_phone", "company"),
    ("phone", "company"),
    ("address", "company"),
    ("address_detail", "company"),
    ("industry", "company"),
    ("employees", "company"),
    ("manager_name", "manager"),
    ("manager_phone", "manager"),
    ("manager_email", "manager"),
    ("payment_manager_name", "manager"),
    ("payment_manager_phone", "manager"),
)

#: fields fixed after signup: shown read-only, sent unchanged (the service refuses a change)
FIXED_FIELDS = ("issuer_type", "payment_manager_name", "payment_manager_phone")


class CompanyForm(QWidget):
    """The two boxes of company fields; `edited` when the user types in any of them."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.loaded_values: dict[str, str] = {}
        self._build()

    def _labels(self) -> dict[str, str]:
        return {
            "name": self.tr("기업명"),
            "representative_name": self.tr("대표자명"),
            "representative_phone": self.tr("대표자 휴대폰"),
            "phone": self.tr("회사 전화번호"),
            "address": self.tr("사업장 주소"),
            "address_detail": self.tr("상세 주소"),
            "industry": self.tr("업종"),
            "employees": self.tr("상시 근로자 수"),
            "manager_name": self.tr("담당자 이름"),
            "manager_phone": self.tr("담당자 휴대폰"),
            "manager_email": self.tr("담당자 이메일"),
            "payment_manager_name": self.tr("결제 담당자 이름"),
            "payment_manager_phone": self.tr("결제 담당자 휴대폰"),
            "corporate_no": self.tr("법인등록번호"),
            "issuer_type": self.tr("바우처 발급자 구분"),
        }

    def _build(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        labels = self._labels()
        self.fields: dict[str, QWidget] = {}
        company_box = QGroupBox(self.tr("기업 기본정보"))
        company_form = QFormLayout(company_box)
        company_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.business_no = QLineEdit()
        self.business_no.setReadOnly(True)
        self.business_no.setToolTip(self.tr("사업자등록번호와 기업형태는 가입 후 변경할 수 없습니다."))
        self.company_type = QLineEdit()
        self.company_type.setReadOnly(True)
        self.company_type.setToolTip(self.business_no.toolTip())
        company_form.addRow(self.tr("사업자등록번호"), self.business_no)
        company_form.addRow(self.tr("기업형태"), self.company_type)
        self.corporate_no = QLineEdit()
        self.corporate_no.setMaxLength(14)
        self.corporate_no.setPlaceholderText("110111-1234567")
        company_form.addRow(labels["corporate_no"], self.corporate_no)
        self.fields["corporate_no"] = self.corporate_no
        manager_box = QGroupBox(self.tr("담당자 정보"))
        manager_form = QFormLayout(manager_box)
        manager_form.setLabelAlignment(company_form.labelAlignment())
        forms = {"company": company_form, "manager": manager_form}
        placeholders = {
            "representative_phone": "010-1234-5678", "manager_phone": "010-1234-5678",
            "payment_manager_phone": "010-1234-5678", "phone": "02-1234-5678",
            "manager_email": "name@example.kr", "employees": self.tr("대표자 포함"),
        }
        for name, group in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setMaxLength(limit(f"company.{name}"))  # the service's limit (rules/limits.py)
            edit.setPlaceholderText(placeholders.get(name, ""))
            edit.textEdited.connect(lambda _t: self.edited.emit())
            forms[group].addRow(labels[name], edit)
            self.fields[name] = edit
        self.corporate_no.textEdited.connect(lambda _t: self.edited.emit())
        # the issuer type decides the required documents: fixed, shown as read-only text
        self.issuer = QLineEdit()
        manager_form.addRow(labels["issuer_type"], self.issuer)
        self.fields["issuer_type"] = self.issuer
        fixed_tip = self.tr("가입 후에는 변경할 수 없습니다. 변경이 필요하면 관할 운영기관에 문의하세요.")
        for name in FIXED_FIELDS:
            edit = self.fields[name]
            edit.setReadOnly(True)
            edit.setToolTip(fixed_tip)
            edit.setPlaceholderText("")
        self.fixed_hint = QLabel(self.tr("결제 담당자와 바우처 발급자 구분은 가입 후에는 변경할 수 없습니다. "
                                         "변경이 필요하면 관할 운영기관에 문의하세요."))
        self.fixed_hint.setObjectName("hint")
        self.fixed_hint.setWordWrap(True)
        manager_form.addRow(self.fixed_hint)
        self.company_form = company_form
        row.addWidget(company_box, 1)
        row.addWidget(manager_box, 1, Qt.AlignmentFlag.AlignTop)
        # as tall as the fields need: spare height goes below the documents, not into the boxes
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # --- showing -----------------------------------------------------------------------------
    def show_company(self, view: CompanyView, fill_form: bool) -> None:
        """Show the company; the typed values are replaced only when `fill_form`."""
        self.business_no.setText(format_business_no(view.business_no))
        corporation = view.company_type is CompanyType.CORPORATION
        self.company_type.setText(self.tr("법인") if corporation else self.tr("개인"))
        self.company_form.setRowVisible(self.corporate_no, corporation)
        if fill_form:
            self.fill(view.info)
        self._fill_fixed(view.info)
        self.loaded_values = self.values_of(view.info)
        for name, widget in self.fields.items():
            widget.setReadOnly(name in FIXED_FIELDS or not view.editable)
        self.fixed_hint.setText(self.tr(
            "결제 담당자와 바우처 발급자 구분은 가입 후에는 변경할 수 없습니다. "
            "변경이 필요하면 관할 운영기관({operator}, {phone})에 문의하세요."
        ).format(operator=view.operator.name, phone=view.operator.phone))

    def values_of(self, info: CompanyInfo) -> dict[str, str]:
        """The editable values as the form shows them (the fixed fields are not compared)."""
        values = {name: str(getattr(info, name) or "") for name, _g in TEXT_FIELDS if name not in FIXED_FIELDS}
        values["corporate_no"] = format_corporate_no(info.corporate_no)
        return values

    def current_values(self) -> dict[str, str]:
        values = {name: self.fields[name].text() for name, _g in TEXT_FIELDS if name not in FIXED_FIELDS}
        values["corporate_no"] = self.corporate_no.text()
        return values

    def fill(self, info: CompanyInfo) -> None:
        for name, value in self.values_of(info).items():
            self.fields[name].setText(value)
        self._fill_fixed(info)

    def _fill_fixed(self, info: CompanyInfo) -> None:
        self.fields["payment_manager_name"].setText(info.payment_manager_name)
        self.fields["payment_manager_phone"].setText(info.payment_manager_phone)
        self.issuer.setText(self.tr("대표자") if info.issuer_type is IssuerType.REPRESENTATIVE
                            else self.tr("담당자(임직원)"))

    def is_dirty(self) -> bool:
        return bool(self.loaded_values) and self.current_values() != self.loaded_values

    # --- reading -----------------------------------------------------------------------------
    def collect(self, view: CompanyView) -> CompanyInfo:
        """The typed form as CompanyInfo; raises ValidationError for a non-numeric head count.

        The fixed fields are the loaded values (`view`), never what a widget happens to hold.
        """
        v = self.current_values()
        loaded = view.info
        v["payment_manager_name"] = loaded.payment_manager_name
        v["payment_manager_phone"] = loaded.payment_manager_phone
        v["issuer_type"] = loaded.issuer_type.value
        employees = ascii_int(v["employees"])  # full-width digits count; other scripts' do not (SPEC §8)
        if employees is None:
            raise ValidationError(self.tr("상시 근로자 수는 숫자로 입력해 주세요."), field="employees")
        corporation = view.company_type is CompanyType.CORPORATION
        return CompanyInfo(
            name=v["name"], representative_name=v["representative_name"],
            representative_phone=v["representative_phone"], address=v["address"],
            address_detail=v["address_detail"], phone=v["phone"], industry=v["industry"],
            employees=employees, manager_name=v["manager_name"], manager_phone=v["manager_phone"],
            manager_email=v["manager_email"], payment_manager_name=v["payment_manager_name"],
            payment_manager_phone=v["payment_manager_phone"], issuer_type=IssuerType(v["issuer_type"]),
            corporate_no=v["corporate_no"] if corporation else None,
        )


class SaveBar(QWidget):
    """The bar below the scrolling form, always in sight: unsaved-changes note, 되돌리기, 저장."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("saveBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # a QWidget subclass paints no style else
        self.setStyleSheet("QWidget#saveBar { background: white; border-top: 1px solid #d9e2ec; }")
        actions = QHBoxLayout(self)
        actions.setContentsMargins(20, 8, 20, 8)
        self.dirty_label = QLabel(self.tr("저장하지 않은 변경 내용이 있습니다."))
        self.dirty_label.setObjectName("hint")
        actions.addWidget(self.dirty_label)
        actions.addStretch(1)
        self.revert_button = QPushButton(self.tr("되돌리기"))
        self.save_button = QPushButton(self.tr("저장"))
        self.save_button.setObjectName("primary")
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
