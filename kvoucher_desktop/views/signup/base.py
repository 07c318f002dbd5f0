"""What every signup page shares: a scrolling body, an error label, and the Next check.

A page fills the wizard's `SignupForm` from its widgets (`save`), then Next runs
`services.signup.check_step(step, form)`. A `DomainError` is shown on the page and the
widget named by `exc.field` is focused and marked; nothing typed is touched.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
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
    QWizardPage,
)

from ...services.errors import DomainError
from ...services.signup import SignupForm
from ..tasks import error_text
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

    # --- fields -----------------------------------------------------------------------------
    def bind(self, name: str, widget: QWidget) -> QWidget:
        """Let errors with `field == name` point at `widget`; editing it clears the mark."""
        self._fields[name] = widget
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _t, w=widget: self._unmark(w))
        elif isinstance(widget, QTextEdit):
            widget.textChanged.connect(lambda w=widget: self._unmark(w))
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(lambda _c, w=widget: self._unmark(w))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, w=widget: self._unmark(w))
        return widget

    def widget_for(self, field: str | None) -> QWidget | None:
        return self._fields.get(field or "")

    def owns(self, field: str | None) -> bool:
        return self.widget_for(field) is not None

    def _unmark(self, widget: QWidget) -> None:
        if widget in self._marked:
            mark_invalid(widget, False)
            self._marked.remove(widget)

    def clear_errors(self) -> None:
        self.error_label.clear_message()
        for widget in self._marked:
            mark_invalid(widget, False)
        self._marked.clear()

    def show_error(self, message: str, field: str | None = None) -> None:
        self.error_label.show_message(message)
        widget = self.widget_for(field)
        if widget is None:
            return
        mark_invalid(widget, True)
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

    # --- QWizardPage ------------------------------------------------------------------------
    def check(self) -> bool:
        """Save, then run the view and service checks of this step; show what is wrong."""
        self.clear_errors()
        self.save(self.form)
        try:
            self.local_check()
            if self.step:
                self.ctx.services.signup.check_step(self.step, self.form)
        except Exception as exc:  # noqa: BLE001 - every error is shown on the page
            self.show_exception(exc)
            return False
        return True

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.check()
