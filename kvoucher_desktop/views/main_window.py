"""Main window: the pages in a stack, the start-up attach, the clock and the deal sweep."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from typing import TYPE_CHECKING

from .pages import PAGES
from .start import StartPage
from .style import app_icon
from .window_chrome import WindowChrome
from .window_session import WindowSession
from .window_size import fit_to_screen, scrolling_page_area

if TYPE_CHECKING:  # pragma: no cover - the shell is shown before the services layer is imported
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent

    from ..services.changes import Changes
    from ..services.dto import Actor
    from ..services.registry import Services
    from .context import ViewContext
    from .simulator import SimulatorDock
    from .widgets.feedback import FeedbackBar

log = logging.getLogger(__name__)

#: deals past their D+2 deadline are persisted as 불가 this often (and once at start)
SWEEP_INTERVAL_MS = 5 * 60 * 1000


class MainWindow(WindowChrome, WindowSession, QMainWindow):
    """Header and menus: views/window_chrome.py; login, logout and the 설정 dialogs: views/window_session.py."""

    #: (Changes, initiator) — every open page hears what a run changed (views/tasks.py)
    data_changed = Signal(object, object)
    #: the logged-in actor, or None after logout
    session_changed = Signal(object)

    def __init__(self, services: Services | None, store_label: str = "", parent: QWidget | None = None,
                 *, frame_only: bool = False, server_check: Callable[[str, str | None], str] | None = None):
        """With `services`, the whole window; with None, the shell shown while the store opens
        (header, menus and a start page; `attach_services` completes it, docs/decisions.md).
        `frame_only` (the shell of `app.main`): only what the first frame shows, from Qt and this
        module's few imports; `complete_shell` adds the rest after the first paint.
        `server_check(url, ca_file)`: the programme server's health check the composition root
        gives (app.check_server); with it, 설정 offers 서버 연결…."""
        super().__init__(parent)
        self.services = services
        self.server_check = server_check
        self.actor: Actor | None = None
        self.ctx: ViewContext | None = None
        self.feedback: FeedbackBar | None = None
        self._complete = False
        self.pages: dict[str, QWidget] = {}
        #: pages of the previous user, hidden and out of the stack, deleted one per event (_reset_pages)
        self._retired: list[QWidget] = []
        self.current_key = ""
        self.setWindowTitle(self.tr("K-비대면 바우처 플랫폼"))
        self.setWindowIcon(app_icon())

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = self._build_header()
        outer.addWidget(self.header)
        self._outer = outer
        self.stack = QStackedWidget()
        self.page_area = scrolling_page_area(self.stack)  # a page larger than the window scrolls
        outer.addWidget(self.page_area, 1)
        self.setCentralWidget(central)
        fit_to_screen(self, self.page_area)  # 90 % of the screen, a minimum that keeps the header

        self.simulator: SimulatorDock | None = None
        self.store_label = QLabel(store_label)
        self.clock_label = QLabel()
        self.statusBar().addPermanentWidget(self.store_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        self.start_page: StartPage | None = None
        if services is not None:
            self.attach_services(services)
            return
        self.start_page = StartPage(self)
        self.stack.addWidget(self.start_page)
        self._build_menus()
        self._set_shell(True)
        if not frame_only:
            self.complete_shell()

    def complete_shell(self) -> None:
        """What the first frame does not show (once): the context, the feedback bar (hidden until
        an action reports), the shortcuts, Enter on the header's buttons, the brand's cursor."""
        if self._complete:
            return
        self._complete = True
        from PySide6.QtCore import Qt

        from . import shortcuts
        from .context import ViewContext
        from .widgets.feedback import FeedbackBar

        self.ctx = ViewContext(self.services, self)
        #: every action's success or failure, above the pages (cleared when another page opens)
        self.feedback = FeedbackBar()
        self._outer.insertWidget(1, self.feedback)
        self.data_changed.connect(self._broadcast)
        self.find_action, self.reload_action = shortcuts.install_shortcuts(self)
        self.brand_button.setCursor(Qt.CursorShape.PointingHandCursor)
        if self.start_page is not None:
            self.start_page.finish()

    # --- start-up: the shell first, the store when it is open -----------------------------------
    def attach_services(self, services: Services, store_label: str | None = None) -> None:
        """The store is open: start the clock, the sweep and the simulator, and show 홈."""
        self.complete_shell()
        self.services = self.ctx.services = services
        if store_label is not None:
            self.store_label.setText(store_label)
        from PySide6.QtCore import Qt

        from .simulator import SimulatorDock  # not needed for the shell (nor is the services' clock)

        # a programme server's desk: the issuers run inside the server, their faults are not offered
        issuers = tuple(i for i in (getattr(services, "cards", None), getattr(services, "zeropay", None))
                        if i is not None)
        self.simulator = SimulatorDock(services.sms, self, issuers=issuers, actor=lambda: self.actor)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.simulator)
        self.simulator.hide()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        self._sweep = QTimer(self)
        self._sweep.timeout.connect(self.sweep_deals)
        self._sweep.start(SWEEP_INTERVAL_MS)
        QTimer.singleShot(0, self.sweep_deals)
        from .change_feed import ChangeFeed

        self.change_feed = ChangeFeed(self.ctx, self)  # other desks' changes (started at login)
        self.change_feed.restart(self.actor)
        self._build_menus()
        self._set_shell(False)
        self.open_page("home")
        if self.start_page is not None:
            self.stack.removeWidget(self.start_page)
            self.start_page.deleteLater()
            self.start_page = None

    def show_start_failure(self, message: str) -> None:
        """The store could not be opened: the reason in the shell (the connection settings stay open)."""
        if self.start_page is not None:
            self.start_page.show_failure(message)

    # --- pages ------------------------------------------------------------------------------
    def open_page(self, key: str) -> QWidget:
        spec = PAGES[key]
        page = self.pages.get(key)
        if page is None:
            # built inside the stack: adding a built page to it from elsewhere would polish every
            # widget of the page again under the application's style sheet
            page = spec.load()(self.ctx, self.stack)
            self.pages[key] = page
            self.stack.addWidget(page)
            from .widgets.forms import skip_read_only_fields

            skip_read_only_fields(page)  # read-only fields are no Tab stops (widgets/forms.py)
            query_changed = getattr(page, "query_changed", None)
            if query_changed is not None:  # the catalog's own box searched: the header box follows
                query_changed.connect(self._follow_query)
        if key != self.current_key:
            self.feedback.clear()  # nothing said about the previous page stays on this one
        self.stack.setCurrentWidget(page)
        self.current_key = key
        self.setWindowTitle(self.tr("{page} — K-비대면 바우처 플랫폼").format(page=self.tr(spec.title)))
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            refresh()
        return page

    def _broadcast(self, changes: Changes, initiator: object) -> None:
        self._follow_own_account(changes)
        for page in list(self.pages.values()):
            handler = getattr(page, "on_data_changed", None)
            if handler is not None:
                handler(changes, initiator)

    def _follow_own_account(self, changes: Changes) -> None:
        """The logged-in account changed (e.g. its company was renamed): the header's "{name} 님"
        reads the actor again."""
        from ..services.changes import Entity
        from .tasks import touched

        actor = self.actor
        if actor is None or self.services is None or not touched(changes, Entity.ACCOUNT, actor.user_id):
            return
        accounts = self.services.accounts

        def fresh(current: Actor) -> None:
            if self.actor is actor:  # still the same session
                self.actor = current
                self._build_menus()  # the header's name and role

        self.ctx.query(lambda: accounts.current(actor), parent=self, key="own_account").quiet() \
            .success(fresh).failure(lambda exc: log.warning("own account not read again: %s", exc)).run()

    def _reset_pages(self) -> None:
        """Every page goes: out of the stack and hidden at once, deleted one page per event loop
        step (deleting a session's pages together was one 40–60 ms block of the GUI thread)."""
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.hide()
            self._retired.append(page)
        self.pages.clear()
        if self._retired:
            QTimer.singleShot(1, self, self._delete_retired)

    def _delete_retired(self) -> None:
        if not self._retired:
            return
        self._retired.pop(0).deleteLater()  # runs in the next loop step; the next page after it
        if self._retired:
            QTimer.singleShot(1, self, self._delete_retired)

    def search_services(self, text: str, category: str | None) -> QWidget:
        """Open the catalog with a query and/or a category (header search box, home tiles)."""
        page = self.open_page("catalog")
        page.search(text, category)
        return page

    def _follow_query(self, text: str) -> None:
        """The header box says what the catalog searched for, whichever box started it."""
        if self.search.text() != text:
            self.search.setText(text)

    # --- keyboard (views/shortcuts.py) -----------------------------------------------------------
    def current_page(self) -> QWidget | None:
        page = self.stack.currentWidget()
        return page if page is not None and page in self.pages.values() else None

    def focus_search(self) -> None:
        """Ctrl+F: the current page's search box when it has one, else the header's."""
        from . import shortcuts

        shortcuts.focus_search(self.current_page(), self.search)

    def reload_page(self) -> None:
        """F5 (새로 고침): the current page loads again; what was said of the last action goes."""
        page = self.current_page()
        again = getattr(page, "reload", None) or getattr(page, "refresh", None)
        if again is not None:
            self.feedback.clear()
            again()

    def open_service(self, service_id) -> QWidget:
        """Open one service's detail page (from the catalog, the wishlist, a deal)."""
        page = self.open_page("service_detail")
        page.show_service(service_id)
        return page

    def sweep_deals(self) -> None:
        """Persist deal expiries off the GUI thread (reads are right without it; this keeps the store tidy),
        after re-reading the server's clock on a shared desk; reconcile payments in progress with their
        issuers (at start and every few minutes, SPEC §5.4); then seal the audit log. A desk on a
        programme server only re-reads the server's clock: the server sweeps, reconciles and seals."""

        services = self.services
        # a programme server runs these itself (its own timers): its desks have none of them
        sweep = getattr(services.deals, "sweep", None)

        def work():
            sync = getattr(services.clock, "sync", None)  # shared desks: follow the server's clock
            if sync is not None:
                sync()
            if sweep is None:
                return None
            swept = sweep()
            try:  # payments whose issuer answer was lost (a time-out, a desk that stopped): ask the issuer
                settled = services.payments.reconcile()
                swept = type(swept)(swept.value + settled.value, swept.changes | settled.changes)
            except Exception as exc:  # noqa: BLE001 - housekeeping: the next sweep tries again
                log.warning("payment reconciliation failed: %s", exc)
            try:  # seal what the audit log recorded more than a few minutes ago (docs/decisions.md)
                services.audit.seal()
            except Exception as exc:  # noqa: BLE001 - housekeeping: the next sweep tries again
                log.warning("audit seal failed: %s", exc)
            return swept

        # the sweep's Done names the deals it expired (none when nothing was due): the helper
        # broadcasts DEAL {those ids}, so every list of deals hears it
        self.ctx.op(work, parent=self).failure(lambda exc: log.warning("deal sweep failed: %s", exc)).run()

    def _update_clock(self) -> None:
        from ..services.clock import format_kst

        self.clock_label.setText(self.tr("한국시간 {t}").format(t=format_kst(self.services.clock.now())))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.simulator is not None:
            self.simulator.detach()
        super().closeEvent(event)

