"""The company detail beside the screening queue: information, documents, screening and
modification history, and the actions 심사확정 / 심사보류 / 심사탈락 / 수정사항 확인."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...enums import Role, ScreeningAction, ScreeningStatus
from ...services.clock import format_kst
from ...services.dto import CompanyView
from ...services.errors import Conflict
from ...services.rules.numbers import format_business_no
from ...services.rules.screening import ACTORS, TRANSITIONS
from ..widgets.common import StatusBadge
from ..widgets.company_values import company_type_label
from ..widgets.detail_panel import DetailPanel
from ..widgets.dialogs import ReasonDialog, ask_reason, ask_yes_no
from ..widgets.documents import open_document
from ..widgets.notice import NoticeBox
from .company_tabs import CompanyTabs

A = ScreeningAction

#: what the tabs hold, reachable on the panel as before (tests and the dashboard read them)
TAB_PARTS = frozenset(name for parts in CompanyTabs.PARTS.values() for name in parts)


class CompanyDetailPanel(DetailPanel):
    """Loads one company in the background and offers the actions its state allows."""

    company_changed = Signal(object)  # CompanyView after an action of this panel

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, StatusBadge(), parent)
        self.empty_title = self.tr("기업 상세")
        self.placeholder.setText(self.tr("왼쪽 목록에서 기업을 선택하면 상세 정보와 서류가 여기에 표시됩니다."))
        self.pending_dialog = None  # the open reason/confirmation dialog (tests answer it)
        self.last_preview = None
        self._build()
        self.clear()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        content = self.content_layout
        self.changed_notice = NoticeBox("warning")
        ack_row = QHBoxLayout()
        ack_row.addStretch(1)
        self.ack_button = QPushButton(self.tr("수정사항 확인"))
        self.ack_button.setToolTip(self.tr("수정 내용을 확인했으면 눌러 주세요. 목록의 '수정됨' 표시가 사라집니다."))
        self.ack_button.clicked.connect(self.acknowledge)
        ack_row.addWidget(self.ack_button)
        self.changed_notice.layout().addLayout(ack_row)
        content.addWidget(self.changed_notice)
        self.reason_notice = NoticeBox("warning")
        content.addWidget(self.reason_notice)
        self.override_note = QLabel(self.tr("전문기관의 심사 처리는 직권 처리로 기록되며, 심사확정에도 사유가 필요합니다."))
        self.override_note.setObjectName("hint")
        self.override_note.setWordWrap(True)
        content.addWidget(self.override_note)

        actions = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("심사확정"))
        self.confirm_button.setObjectName("primary")
        self.hold_button = QPushButton(self.tr("심사보류(사유)"))
        self.reject_button = QPushButton(self.tr("심사탈락(사유)"))
        self.reject_button.setObjectName("danger")
        self.confirm_button.clicked.connect(lambda: self.start_action(A.CONFIRM))
        self.hold_button.clicked.connect(lambda: self.start_action(A.HOLD))
        self.reject_button.clicked.connect(lambda: self.start_action(A.REJECT))
        self.action_buttons = {A.CONFIRM: self.confirm_button, A.HOLD: self.hold_button,
                               A.REJECT: self.reject_button}
        for button in self.action_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        content.addLayout(actions)

        self.tabs = CompanyTabs(self.content)
        self.tabs.open_requested.connect(self.open_selected_document)
        content.addWidget(self.tabs, 1)

    def __getattr__(self, name: str):
        # the tabs' parts, reachable on the panel as before (read, a tab not built yet is built)
        if name in TAB_PARTS and "tabs" in self.__dict__:
            return getattr(self.__dict__["tabs"], name)
        raise AttributeError(name)

    # --- showing -----------------------------------------------------------------------------
    def show_company(self, company_id: uuid.UUID, *, announce: bool = False) -> None:
        """Load a company, its documents and modification history in the background.

        `announce`: tell the dashboard (company_changed) once loaded, because the company was
        changed at another desk (a refused action) and its queue row is out of date."""
        self.load(company_id, self.tr("기업 정보를 불러오는 중…"),
                  (lambda result: self.company_changed.emit(result[0])) if announce else None)

    def fetch(self, company_id: uuid.UUID):
        actor, companies = self.ctx.actor, self.ctx.services.companies
        return lambda: (companies.get(actor, company_id), companies.history(actor, company_id))

    def reload(self, *, announce: bool = False) -> None:
        if self.view is not None:
            self.show_company(self.view.id, announce=announce)

    def present(self, view: CompanyView, changes=None) -> None:
        self.view = view
        self.show_head(view.info.name, self.tr("{bno} · {ctype} · {operator}").format(
            bno=format_business_no(view.business_no), ctype=company_type_label(view.company_type),
            operator=view.operator.name))
        self.badge.set_status(view.status)
        self.tabs.show_company(view, changes)

        changed = view.changed_after_confirm_at is not None
        if changed:
            after = [c for c in (changes if changes is not None else self.tabs.changes or []) if c.after_confirmation]
            fields = ", ".join(dict.fromkeys(c.field_label for c in after)) or "-"
            self.changed_notice.set_text(
                self.tr("심사확정 후 수정사항이 있습니다 ({at})").format(at=format_kst(view.changed_after_confirm_at)),
                self.tr("바뀐 항목: {fields}\n'수정 이력' 탭의 노란색 행에서 내용을 확인하세요.").format(fields=fields))
        self.changed_notice.setVisible(changed)
        if view.status_reason and view.status in (ScreeningStatus.ON_HOLD, ScreeningStatus.REJECTED):
            title = self.tr("보류 사유") if view.status is ScreeningStatus.ON_HOLD else self.tr("탈락 사유")
            self.reason_notice.set_text(f"{title}: {view.status_reason}", "",
                                        "warning" if view.status is ScreeningStatus.ON_HOLD else "danger")
            self.reason_notice.show()
        else:
            self.reason_notice.hide()
        actor = self.ctx.actor
        self.override_note.setVisible(actor is not None and actor.role is Role.AGENCY)
        self._update_buttons()

    def allowed(self, action: ScreeningAction) -> bool:
        actor = self.ctx.actor
        return (self.view is not None and actor is not None and actor.role in ACTORS.get(action, ())
                and (self.view.status, action) in TRANSITIONS)

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        for action, button in self.action_buttons.items():
            button.setEnabled(idle and self.allowed(action))
        self.ack_button.setEnabled(idle and self.view is not None and self.view.changed_after_confirm_at is not None)
        self.tabs.set_open_enabled(self.view is not None and bool(self.view.documents))

    # --- actions -----------------------------------------------------------------------------
    def start_action(self, action: ScreeningAction) -> None:
        """Ask what the action needs (a reason, or a yes) and then run it; 심사탈락 is final and
        asks once more after the reason."""
        if not self.allowed(action):
            return
        view = self.view
        agency = self.ctx.actor.role is Role.AGENCY
        name = view.info.name
        if action is A.CONFIRM and not agency:
            self.pending_dialog = ask_yes_no(
                self, self.tr("심사확정"),
                self.tr("'{name}'을(를) 심사확정할까요?\n확정하면 전문기관의 예산확정 대상이 됩니다.").format(name=name),
                self.tr("심사확정"), lambda: self._run_action(view.id, action, None, view.status))
            return
        texts = {
            A.CONFIRM: (self.tr("심사확정(직권)"), self.tr("'{name}'을(를) 직권으로 심사확정하는 사유를 입력해 주세요."),
                        self.tr("심사확정")),
            A.HOLD: (self.tr("심사보류"), self.tr("'{name}'의 심사를 보류하는 사유를 입력해 주세요. "
                                              "기업은 사유를 보고 정보를 고친 뒤 재제출합니다."), self.tr("심사보류")),
            A.REJECT: (self.tr("심사탈락"), self.tr("'{name}'을(를) 심사탈락 처리하는 사유를 입력해 주세요. "
                                                "탈락하면 올해 다시 신청할 수 없습니다."), self.tr("심사탈락")),
        }
        title, prompt, ok_text = texts[action]
        if agency and action is not A.CONFIRM:
            title = self.tr("{title}(직권)").format(title=title)

        def reasoned(reason: str) -> None:
            if action is A.REJECT:
                self._confirm_rejection(view, reason, dialog)
            else:
                self._run_action(view.id, action, reason, view.status)

        dialog = ask_reason(self, title, prompt.format(name=name), ok_text, reasoned)
        self.pending_dialog = dialog

    def _confirm_rejection(self, view: CompanyView, reason: str, reason_dialog: ReasonDialog) -> None:
        """The second question of 심사탈락: it names the company and says the decision is final.
        취소 (or Esc) goes back to the reason dialog with everything typed in it."""
        box = ask_yes_no(
            self, self.tr("심사탈락 확인"),
            self.tr("'{name}'을(를) 심사탈락 처리할까요?\n\n심사탈락은 최종 결정으로 되돌릴 수 없으며, "
                    "이 기업은 올해 다시 신청할 수 없습니다.\n\n사유: {reason}").format(name=view.info.name, reason=reason),
            self.tr("심사탈락 확정"), lambda: self._run_action(view.id, A.REJECT, reason, view.status), danger=True)

        def answered(_result: int) -> None:
            if box.clickedButton() is box.yes_button:
                return
            if self.view is not None and self.view.id == view.id:  # still the company the reason is for
                self.pending_dialog = reason_dialog
                reason_dialog.open()

        box.finished.connect(answered)
        self.pending_dialog = box

    def _run_action(self, company_id: uuid.UUID, action: ScreeningAction, reason: str | None,
                    seen: ScreeningStatus) -> None:
        """Run the action on the state the user saw: changed at another desk meanwhile, the
        service refuses it (Conflict 'changed') and the panel shows the current state."""
        self.pending_dialog = None
        actor = self.ctx.actor
        screening = self.ctx.services.screening
        self._run(self.tr("처리하는 중…"),
                  lambda: screening.act(actor, company_id, action, reason, expected_status=seen))

    def acknowledge(self) -> None:
        if self.view is None:
            return
        actor, company_id = self.ctx.actor, self.view.id
        screening = self.ctx.services.screening
        self._run(self.tr("확인 처리하는 중…"), lambda: screening.acknowledge_changes(actor, company_id))

    def _run(self, text: str, fn) -> None:
        """Run a screening change; every other page hears what changed from the helper."""

        def done(view: CompanyView) -> None:
            if self.shown_id == view.id:
                self.present(view)
            self.company_changed.emit(view)

        def failed(exc: BaseException) -> None:
            self.ctx.show_failure(exc, self)
            # someone else may have acted first: show the current state (and in the queue)
            self.reload(announce=isinstance(exc, Conflict) and exc.code == "changed")

        self.ctx.op(fn, parent=self).busy(text=text).success(done).failure(failed) \
            .after(self._update_buttons).run()
        self._update_buttons()

    def open_selected_document(self) -> None:
        doc = self.tabs.selected_document()
        if doc is not None:
            open_document(self.ctx, self, doc, shown=lambda d: setattr(self, "last_preview", d))
