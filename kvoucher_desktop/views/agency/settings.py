"""사업 설정: the agency edits the programme parameters of SPEC §4 (application window, voucher
amount and government share, use period, deal rules, supplier settlement) and the names of
the six service categories (their codes never change)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.dto import CategoryView, ProgrammeView
from ...services.changes import Changes, Entity
from ...services.errors import DomainError
from ...services.rules.money import split_budget
from ..widgets.busy import page_head
from ..widgets.common import ErrorLabel, mark_invalid, scrolling_body
from .next_year import ask_open_next_year, beside, next_year_button
from ..widgets.forms import FieldErrors, set_read_only
from ..widgets.wide_digits import accept_wide_digits, date_field, day_of
from ..widgets.notice import NoticeBox

#: the largest voucher amount the form accepts (a QSpinBox holds 32-bit integers)
MAX_VOUCHER_AMOUNT = 2_000_000_000


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _spin(minimum: int, maximum: int, suffix: str = "", step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setFixedWidth(130)
    return accept_wide_digits(spin)



class ProgrammeSettingsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded: ProgrammeView | None = None
        self.categories: list[CategoryView] = []
        self.category_edits: dict[str, QLineEdit] = {}
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self, (20, 16, 20, 12))
        head, self.busy = page_head(self.tr("사업 설정"))
        layout.addLayout(head)
        self.notice = NoticeBox("info")
        self.notice.set_text(
            self.tr("바꾼 설정은 저장한 뒤에 예산확정(승인)하는 기업부터 적용됩니다."),
            self.tr("이미 승인된 기업의 예산(바우처 금액, 정부지원금, 자부담)과 이용기간은 바뀌지 않습니다."))
        layout.addWidget(self.notice)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(self._settings_box(), 3)
        columns.addWidget(self._categories_box(), 2, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(columns)
        layout.addStretch(1)
        self._update_buttons()

    def _settings_box(self) -> QWidget:
        box = QGroupBox(self.tr("사업 기본값"))
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.year = QLineEdit()
        set_read_only(self.year)
        self.year.setMaximumWidth(120)
        self.year.setToolTip(self.tr("사업연도는 '다음 연도 열기'로만 바뀝니다."))
        self.next_year_button = next_year_button(self)
        form.addRow(self.tr("사업연도"), beside(self.year, self.next_year_button))

        self.application_start = date_field(min_width=140)
        self.application_end = date_field(min_width=140)
        window = QHBoxLayout()
        window.addWidget(self.application_start)
        window.addWidget(QLabel("~"))
        window.addWidget(self.application_end)
        window.addStretch(1)
        form.addRow(self.tr("신청 기간"), window)

        self.voucher_amount = _spin(1, MAX_VOUCHER_AMOUNT, self.tr(" 원"), 100_000)
        self.voucher_amount.setGroupSeparatorShown(True)
        self.voucher_amount.setFixedWidth(190)
        form.addRow(self.tr("기업당 바우처 금액"), self.voucher_amount)
        self.government_share_pct = _spin(0, 100, " %")
        form.addRow(self.tr("정부지원 비율"), self.government_share_pct)
        self.split_label = QLabel()
        self.split_label.setObjectName("hint")
        form.addRow("", self.split_label)
        self.voucher_amount.valueChanged.connect(lambda _v: self._update_split())
        self.government_share_pct.valueChanged.connect(lambda _v: self._update_split())

        self.use_period_months = _spin(1, 60, self.tr(" 개월"))
        self.use_period_months.setToolTip(self.tr("예산확정(승인)일부터 바우처를 쓸 수 있는 기간"))
        form.addRow(self.tr("바우처 이용기간"), self.use_period_months)
        self.deal_window_days = _spin(1, 30, self.tr(" 일"))
        self.deal_window_days.setToolTip(self.tr("서비스 요청을 받은 공급기업이 응답해야 하는 기한 "
                                                 "(요청일 포함 N일째 24:00, 한국시간)"))
        form.addRow(self.tr("거래 응답기한"), self.deal_window_days)
        self.same_day_cancel_only = QCheckBox(self.tr("결제 취소는 결제한 날(한국시간)에만 허용"))
        form.addRow(self.tr("당일 취소 규칙"), self.same_day_cancel_only)
        self.allow_price_above_list = QCheckBox(self.tr("등록된 서비스 가격보다 많은 금액의 결제 요청 허용"))
        form.addRow(self.tr("정가 초과 결제"), self.allow_price_above_list)
        self.settlement_days = _spin(0, 90, self.tr(" 일"))
        self.settlement_days.setPrefix("D+")
        self.settlement_days.setToolTip(self.tr("결제일로부터 공급기업에 정산금을 지급하는 기한"))
        form.addRow(self.tr("정산 지급기한"), self.settlement_days)
        self.settlement_fee = accept_wide_digits(QDoubleSpinBox())
        self.settlement_fee.setRange(0.0, 100.0)
        self.settlement_fee.setDecimals(2)
        self.settlement_fee.setSingleStep(0.1)
        self.settlement_fee.setSuffix(" %")
        self.settlement_fee.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.settlement_fee.setFixedWidth(130)
        self.settlement_fee.setToolTip(self.tr("정산금에서 빼는 수수료율 (0.01% 단위)"))
        form.addRow(self.tr("정산 수수료율"), self.settlement_fee)

        self.error = ErrorLabel()
        form.addRow(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.reset_button = QPushButton(self.tr("되돌리기"))
        self.reset_button.setToolTip(self.tr("저장된 설정을 다시 불러옵니다."))
        self.reset_button.clicked.connect(self.refresh)
        self.save_button = QPushButton(self.tr("설정 저장"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.reset_button)
        row.addWidget(self.save_button)
        form.addRow(row)
        self.errors = FieldErrors(self.error, {
            "application_start": self.application_start, "application_end": self.application_end,
            "voucher_amount": self.voucher_amount, "government_share_pct": self.government_share_pct,
            "use_period_months": self.use_period_months, "deal_window_days": self.deal_window_days,
            "same_day_cancel_only": self.same_day_cancel_only,
            "allow_price_above_list": self.allow_price_above_list,
            "settlement_days": self.settlement_days, "settlement_fee_bp": self.settlement_fee,
        })
        return box

    def _categories_box(self) -> QWidget:
        box = QGroupBox(self.tr("서비스 카테고리"))
        outer = QVBoxLayout(box)
        hint = QLabel(self.tr("이름만 바꿀 수 있습니다. 코드는 서비스와 통계에 쓰이므로 바뀌지 않습니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        outer.addWidget(hint)
        self.category_grid = QGridLayout()
        self.category_grid.setColumnStretch(1, 1)
        outer.addLayout(self.category_grid)
        self.category_error = ErrorLabel()
        outer.addWidget(self.category_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.category_button = QPushButton(self.tr("카테고리 이름 저장"))
        self.category_button.clicked.connect(self.save_categories)
        row.addWidget(self.category_button)
        outer.addLayout(row)
        return box

    # --- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        programme = self.ctx.services.programme

        def done(result) -> None:
            settings, categories = result
            self.show_settings(settings)
            self.show_categories(categories)

        self.ctx.query(lambda: (programme.settings(), programme.categories()), parent=self) \
            .busy(text=self.tr("사업 설정을 불러오는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def show_settings(self, p: ProgrammeView) -> None:
        self.loaded = p
        self.errors.clear()
        self.year.setText(self.tr("{year}년").format(year=p.year))
        self.application_start.setDate(_qdate(p.application_start))
        self.application_end.setDate(_qdate(p.application_end))
        self.voucher_amount.setValue(p.voucher_amount)
        self.government_share_pct.setValue(p.government_share_pct)
        self.use_period_months.setValue(p.use_period_months)
        self.deal_window_days.setValue(p.deal_window_days)
        self.same_day_cancel_only.setChecked(p.same_day_cancel_only)
        self.allow_price_above_list.setChecked(p.allow_price_above_list)
        self.settlement_days.setValue(p.settlement_days)
        self.settlement_fee.setValue(p.settlement_fee_bp / 100)
        self._update_split()

    def show_categories(self, categories: list[CategoryView]) -> None:
        self.categories = list(categories)
        self.category_error.clear_message()
        while self.category_grid.count():
            item = self.category_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.category_edits = {}
        for i, c in enumerate(self.categories):
            code = QLineEdit(c.code)
            set_read_only(code)
            code.setFixedWidth(150)
            code.setToolTip(self.tr("카테고리 코드 (바뀌지 않음)"))
            name = QLineEdit(c.name)
            name.setMaxLength(100)
            self.category_grid.addWidget(code, i, 0)
            self.category_grid.addWidget(name, i, 1)
            self.category_edits[c.code] = name

    def form_values(self) -> ProgrammeView:
        """The form as a ProgrammeView (money and the fee as integers: KRW and basis points)."""
        assert self.loaded is not None
        return ProgrammeView(
            year=self.loaded.year,
            application_start=day_of(self.application_start),
            application_end=day_of(self.application_end),
            voucher_amount=int(self.voucher_amount.value()),
            government_share_pct=int(self.government_share_pct.value()),
            use_period_months=int(self.use_period_months.value()),
            deal_window_days=int(self.deal_window_days.value()),
            same_day_cancel_only=self.same_day_cancel_only.isChecked(),
            allow_price_above_list=self.allow_price_above_list.isChecked(),
            settlement_days=int(self.settlement_days.value()),
            settlement_fee_bp=round(self.settlement_fee.value() * 100),
        )

    def _update_split(self) -> None:
        total = int(self.voucher_amount.value())
        pct = int(self.government_share_pct.value())
        gov, own = split_budget(total, pct)
        self.split_label.setText(self.tr("정부지원금 {gov}원 + 자부담 {own}원 (자부담 비율 {own_pct}%)").format(
            gov=f"{gov:,}", own=f"{own:,}", own_pct=100 - pct))

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.save_button.setEnabled(idle and self.loaded is not None)
        self.next_year_button.setEnabled(idle and self.loaded is not None)
        self.reset_button.setEnabled(idle)
        self.category_button.setEnabled(idle and bool(self.category_edits))

    def _say(self, title: str, body: str = "", kind: str = "success") -> None:
        self.ctx.show_notice(title, body, kind)

    @property
    def message(self):
        """Where this page's outcomes are told: the window's feedback bar (read through the context)."""
        return self.ctx.feedback

    # --- actions -----------------------------------------------------------------------------
    def save(self) -> None:
        if self.loaded is None:
            return
        self.errors.clear()
        self.ctx.clear_feedback()
        actor = self.ctx.actor
        programme = self.ctx.services.programme
        values = self.form_values()

        def done(saved: ProgrammeView) -> None:
            self.show_settings(saved)
            gov, own = split_budget(saved.voucher_amount, saved.government_share_pct)
            self._say(self.tr("사업 설정을 저장했습니다."),
                      self.tr("앞으로 승인하는 기업의 예산: {total}원 (정부지원금 {gov}원, 자부담 {own}원), "
                              "이용기간 {months}개월.").format(total=f"{saved.voucher_amount:,}", gov=f"{gov:,}",
                                                          own=f"{own:,}", months=saved.use_period_months))

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: programme.update_settings(actor, values), parent=self) \
            .busy(text=self.tr("저장하는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()

    def ask_open_next_year(self) -> QMessageBox | None:
        """다음 연도 열기… (agency/next_year.py)."""
        return ask_open_next_year(self)

    def save_categories(self) -> None:
        self.category_error.clear_message()
        self.ctx.clear_feedback()
        for edit in self.category_edits.values():
            mark_invalid(edit, False)
        changes = [(c.code, self.category_edits[c.code].text()) for c in self.categories
                   if self.category_edits[c.code].text().strip() != c.name]
        if not changes:
            self._say(self.tr("바뀐 카테고리 이름이 없습니다."), kind="info")
            return
        actor = self.ctx.actor
        programme = self.ctx.services.programme

        def work():
            renamed = []
            for code, name in changes:
                try:
                    renamed.append(programme.rename_category(actor, code, name).value)
                except DomainError as exc:
                    exc.category_code = code  # which row to mark
                    exc.renamed = renamed
                    raise
            return renamed

        def done(renamed: list[CategoryView]) -> None:
            self._apply_renamed(renamed)
            self._say(self.tr("카테고리 이름 {n}개를 저장했습니다.").format(n=len(renamed)),
                      ", ".join(f"{c.code}: {c.name}" for c in renamed))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, DomainError):
                self.ctx.show_failure(exc, self)
                return
            self._apply_renamed(getattr(exc, "renamed", []))
            self.category_error.show_message(exc.message)
            edit = self.category_edits.get(getattr(exc, "category_code", ""))
            if edit is not None:
                mark_invalid(edit, True)
                edit.setFocus()

        self.ctx.op(work, parent=self).busy(text=self.tr("카테고리 이름을 저장하는 중…")).success(done).failure(failed) \
            .after(self._update_buttons).run()
        self._update_buttons()

    def _apply_renamed(self, renamed: list[CategoryView]) -> None:
        by_code = {c.code: c for c in renamed}
        self.categories = [by_code.get(c.code, c) for c in self.categories]
        for c in renamed:
            self.category_edits[c.code].setText(c.name)
        if renamed:  # also the ones renamed before a refusal: every page hears them
            self.ctx.broadcast(Changes({Entity.CATEGORY: by_code}), self)
