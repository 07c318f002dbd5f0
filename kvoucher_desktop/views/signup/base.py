"""What every signup page shares: a scrolling body, an error label, and the Next check.

A page fills the wizard's `SignupForm` from its widgets (`save`), then Next runs
`services.signup.check_step(step, form)` in the background (`ctx.query`): `validatePage`
starts the check and returns False; Next and Back are disabled and a small busy line shows
meanwhile; when the check passes the page lets the wizard go on (`wizard.next()`, for which
`validatePage` answers True once). A `DomainError` is shown on the page and the widget named by
`exc.field` is focused and marked; nothing typed is touched, and changing that widget clears
the message again. Results that arrive after the wizard closed are dropped (`run`).
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...services.errors import DomainError
from ...services.signup import SignupForm
from ..tasks import error_text
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, mark_invalid

if TYPE_CHECKING:  # pragma: no cover
    from ..context import ViewContext

log = logging.getLogger(__name__)


def form_layout() -> QFormLayout:
    layout = QFormLayout()
    layout.setHorizontalSpacing(14)
    layout.setVerticalSpacing(9)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return layout


#: one label column width for every form of the wizard, so the fields line up page to page
LABEL_WIDTH = 130


def add_row(layout: QFormLayout, text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(LABEL_WIDTH)
    label.setBuddy(widget)
    layout.addRow(label, widget)
    return label


def hint(text: str = "", name: str = "hint") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def notice(text: str = "") -> QLabel:
    """A calm yellow box for things the user must know (previous participant, 4대보험 명부)."""
    label = QLabel(text)
    label.setObjectName("notice")
    label.setWordWrap(True)
    return label


#: a run of letters longer than this may break anywhere (a long Hangul name has no spaces)
_LONG_WORD = 12
_BREAK = "\u200b"  # zero-width space: a break opportunity that shows nothing


def breakable(text: str) -> str:
    """`text` with invisible break opportunities inside words longer than `_LONG_WORD`."""
    words = text.split(" ")
    return " ".join(_BREAK.join(w) if len(w) > _LONG_WORD else w for w in words)


class WrapLabel(QLabel):
    """A word-wrapped value that never forces its column wider: long words wrap anywhere.
    `text()` gives back exactly what was set."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        self._plain = text
        super().setText(breakable(text))

    def text(self) -> str:
        return self._plain


class _Body(QWidget):
    """The scrolling body of a page: never squeezed below its natural height (it scrolls)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


class StepPage(QWizardPage):
    #: the SignupService step this page checks (one of services.signup.STEPS)
    step = ""

    def __init__(self, ctx: "ViewContext", form: SignupForm, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.form = form
        self._fields: dict[str, QWidget] = {}
        self._marked: list[QWidget] = []
        self._error_widgets: list[QWidget] = []  # changing one of these clears the message
        self._hints: dict[QWidget, QLabel] = {}  # a field's live hint (✔ when its format is right)
        self._checking = False
        self._passed = False  # the background check passed: the next validatePage says yes

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pageScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = _Body()
        self.body.setObjectName("pageBody")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(2, 2, 12, 2)
        self.body_layout.setSpacing(10)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        self.busy = BusyIndicator()
        outer.addWidget(self.busy)
        self.error_label = ErrorLabel()
        outer.addWidget(self.error_label)

    # --- to override ------------------------------------------------------------------------
    def set_heading(self, title: str, subtitle: str) -> None:
        """Plain `step_title` for the step list; a larger rich-text title for the header."""
        self.step_title = title
        self.setTitle(f"<span style='font-size:14pt; font-weight:bold; color:#1e4e8c'>{title}</span>")
        self.setSubTitle(subtitle)

    def save(self, form: SignupForm) -> None:
        """Copy the widgets' values into `form`."""

    def local_check(self) -> None:
        """View-only checks that services cannot make (raise ValidationError with a field)."""

    def programme_loaded(self, year: int | None) -> None:
        """The wizard has read the programme settings (year None: unavailable)."""

    # --- background work --------------------------------------------------------------------
    def wizard_closed(self) -> bool:
        wiz = self.wizard()
        return bool(getattr(wiz, "closed", False))

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None], *, busy_text: str | None = None):
        """`ctx.query` whose callbacks are skipped once the wizard has closed (the widgets of a
        deleted wizard are never reached: the helper drops results of a dead parent); with
        `busy_text`, the page's busy line shows it meanwhile."""

        def done(result):
            if not self.wizard_closed():
                on_done(result)

        def failed(exc):
            if not self.wizard_closed():
                on_error(exc)

        run = self.ctx.query(fn, parent=self)
        run = run.busy(text=busy_text) if busy_text is not None else run.quiet()
        return run.success(done).failure(failed).run()

    def reveal(self, widget: QWidget) -> None:
        """Scroll `widget` into view once the layout has settled (e.g. a grown SMS inbox)."""
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(widget, 10, 10))

    def programme_year(self) -> int | None:
        return getattr(self.wizard(), "programme_year", None)

    # --- fields -----------------------------------------------------------------------------
    def bind(self, name: str, widget: QWidget) -> QWidget:
        """Let errors with `field == name` point at `widget`; editing it clears the error."""
        self._fields[name] = widget
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _t, w=widget: self.field_changed(w))
        elif isinstance(widget, QTextEdit):
            widget.textChanged.connect(lambda w=widget: self.field_changed(w))
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(lambda _c, w=widget: self.field_changed(w))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, w=widget: self.field_changed(w))
        return widget

    def pair_hint(self, widget: QWidget, label: QLabel) -> None:
        """`label` is `widget`'s live hint: a refusal of the field replaces a ✔ there."""
        self._hints[widget] = label

    def widget_for(self, field: str | None) -> QWidget | None:
        return self._fields.get(field or "")

    def widgets_of_error(self, field: str | None) -> list[QWidget]:
        """The widgets whose change answers an error about `field` (clears its message)."""
        widget = self.widget_for(field)
        return [widget] if widget is not None else []

    def owns(self, field: str | None) -> bool:
        return self.widget_for(field) is not None

    def field_changed(self, widget: QWidget) -> None:
        """The user changed `widget`: drop its red mark, and the message if it was about it."""
        if widget in self._error_widgets:
            self.clear_errors()
        elif widget in self._marked:
            mark_invalid(widget, False)
            self._marked.remove(widget)

    def clear_errors(self) -> None:
        self.error_label.clear_message()
        for widget in self._marked:
            mark_invalid(widget, False)
        self._marked.clear()
        self._error_widgets = []

    def show_error(self, message: str, field: str | None = None) -> None:
        self.error_label.show_message(message)
        self._error_widgets = self.widgets_of_error(field)
        widget = self.widget_for(field)
        if widget is None:
            return
        mark_invalid(widget, True)
        hint_label = self._hints.get(widget)
        if hint_label is not None and hint_label.objectName() == "hintOk":
            # never a green ✔ beside a red field: the hint says what is wrong instead
            hint_label.setText(message)
            hint_label.setObjectName("hintError")
            hint_label.style().unpolish(hint_label)
            hint_label.style().polish(hint_label)
        if widget not in self._marked:
            self._marked.append(widget)
        self.scroll.ensureWidgetVisible(widget)
        widget.setFocus()

    def show_exception(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.show_error(exc.message, exc.field)
        else:
            log.error("signup step %s failed", self.step, exc_info=exc)
            self.show_error(error_text(exc))

    # --- the Next check -----------------------------------------------------------------------
    @property
    def checking(self) -> bool:
        """A background check of this page is running."""
        return self._checking

    def values(self) -> SignupForm:
        """A copy of the wizard's form with this page's current values saved into it."""
        form = copy.copy(self.form)
        form.documents = dict(self.form.documents)
        self.save(form)
        return form

    def start_check(self) -> None:
        """Save, run the view checks here and the service check in the background; then
        `check_passed()` or the error on the page."""
        if self._checking:
            return
        self.clear_errors()
        self.save(self.form)
        try:
            self.local_check()
        except Exception as exc:  # noqa: BLE001 - every error is shown on the page
            self.show_exception(exc)
            return
        checked = self.values()  # the worker reads its own copy, never the live form
        self._set_checking(True)
        service, step = self.ctx.services.signup, self.step
        self.run(lambda: service.check_step(step, checked),
                 lambda _r: self._check_done(checked), self._check_failed,
                 busy_text=self.tr("입력한 내용을 확인하고 있습니다…"))

    def _check_done(self, checked: SignupForm) -> None:
        self._set_checking(False)
        if self.values() != checked:
            # typed meanwhile: what goes forward must be what was checked — check again
            self.start_check()
            return
        self.check_passed()

    def _check_failed(self, exc: BaseException) -> None:
        self._set_checking(False)
        self.show_exception(exc)

    def check_passed(self) -> None:
        """The step is fine: go to the next page (the account page submits instead)."""
        wiz = self.wizard()
        if wiz is None or wiz.currentPage() is not self:
            return
        self._passed = True
        try:
            wiz.next()
        finally:
            self._passed = False

    def _set_checking(self, checking: bool) -> None:
        self._checking = checking  # the check's run shows the busy line
        self.completeChanged.emit()  # the wizard re-evaluates Next / Finish (and Back)
        wiz = self.wizard()
        if checking and wiz is not None:
            wiz.button(QWizard.WizardButton.BackButton).setEnabled(False)

    # --- QWizardPage ------------------------------------------------------------------------
    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return not self._checking and super().isComplete()

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self._passed:
            self._passed = False
            return True
        self.start_check()
        return False
