"""서비스 검색: a debounced search box, category chips with counts, and the results paged lazily.

Open to everybody, also before login. The header search box and the home tiles arrive here
through `MainWindow.search_services`, which calls `search(text, category)`. The query and the
chosen category stay when the user leaves and comes back (e.g. from a service's detail page).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...services.catalog import PAGE_SIZE
from ...services.changes import Changes, Entity
from ..widgets.busy import page_head
from ..widgets.chips import PLAIN, chip_row
from ..widgets.common import SearchBox
from ..widgets.tables import make_table, selected_row
from .models import ServiceSearchModel



class CatalogSearchPage(QWidget):
    #: the query of each new search, whichever box started it (the header box follows it)
    query_changed = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.ctx = ctx
        self.categories: list = []
        self.category_counts: dict[str, int] = {}
        self._counts_loaded = False
        self.total: int | None = None  # matches of the current search (catalog.count)
        self._started = False
        self._searched = False
        self.model = ServiceSearchModel(ctx, page_size, self)
        self._build()
        self.model.show_busy(self.busy, self.tr("검색하는 중…"))
        self.model.loading_changed.connect(lambda _b: self._update_status())
        self.model.page_loaded.connect(lambda _n: self._update_status())
        self.model.modelReset.connect(self._update_status)
        self.model.failed.connect(self._search_failed)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("서비스 검색"))
        layout.addLayout(head)

        row = QHBoxLayout()
        self.box = SearchBox(self.tr("서비스명, 키워드, 공급기업명으로 검색 (한 글자도 됩니다)"), self.run_search, 420)
        self.search_button = QPushButton(self.tr("검색"))
        self.search_button.setObjectName("primary")
        self.search_button.clicked.connect(self.run_search)
        row.addWidget(self.box, 1)
        row.addWidget(self.search_button)
        row.addStretch(1)
        layout.addLayout(row)

        chips, self.chip_row = chip_row({"chip": PLAIN})
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chips: dict[str | None, QPushButton] = {}
        self._add_chip(None)
        self.chips[None].setChecked(True)
        self.chip_row.addStretch(1)
        self.chip_group.buttonToggled.connect(self._chip_toggled)
        layout.addWidget(chips)

        self.count_label = QLabel()
        self.count_label.setObjectName("sectionTitle")
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        counts = QHBoxLayout()
        counts.addWidget(self.count_label)
        counts.addSpacing(10)
        counts.addWidget(self.status_label, 1)
        layout.addLayout(counts)

        self.results = QStackedWidget()
        self.table = make_table(self.model, stretch=-1)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.results.addWidget(self.table)
        self.empty = QLabel()
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("QLabel { background: white; border: 1px solid #d9e2ec; border-radius: 6px;"
                                 " padding: 40px; font-size: 11pt; }")
        self.results.addWidget(self.empty)
        layout.addWidget(self.results, 1)

        actions = QHBoxLayout()
        hint = QLabel(self.tr("행을 두 번 누르거나 Enter 키를 누르면 상세 정보를 볼 수 있습니다."))
        hint.setObjectName("hint")
        actions.addWidget(hint)
        actions.addStretch(1)
        self.open_button = QPushButton(self.tr("상세보기"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_selected)
        actions.addWidget(self.open_button)
        layout.addLayout(actions)
        self._update_chip_texts()
        self._update_buttons()

    def _add_chip(self, code: str | None) -> QPushButton:
        button = QPushButton()
        button.setCheckable(True)
        button.setProperty("tone", "chip")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setProperty("category", code or "")
        self.chip_group.addButton(button)
        self.chips[code] = button
        self.chip_row.insertWidget(len(self.chips) - 1, button)
        return button

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Each time the page is shown: the chips' counts; the first time also the results.

        The first search waits one turn of the event loop, so that `search()` called right after
        `open_page` (header box, home tiles) replaces it instead of racing it."""
        if not self._started:
            self._started = True
            QTimer.singleShot(0, self, self._first_search)
        self.load_categories()

    def _first_search(self) -> None:
        if not self._searched:
            self.run_search()

    def load_categories(self) -> None:
        """The category chips; their counts come with every search (`_count`), for its query."""
        programme = self.ctx.services.programme

        def done(categories) -> None:
            if [c.code for c in categories] != [c.code for c in self.categories]:
                self._set_categories(categories)
            else:
                self.categories = list(categories)
            self._update_chip_texts()

        self.ctx.query(programme.categories, parent=self, key="categories").quiet().success(done).run()
        if self._searched:  # shown again: counts may have changed meanwhile
            self._count(self.box.text().strip(), self.current_category())

    def _set_categories(self, categories) -> None:
        current = self.current_category()
        for code in [c for c in self.chips if c is not None]:
            button = self.chips.pop(code)
            self.chip_group.removeButton(button)
            self.chip_row.removeWidget(button)
            button.deleteLater()
        self.categories = list(categories)
        for cat in self.categories:
            self._add_chip(cat.code)
        target = self.chips.get(current, self.chips[None])
        self.chip_group.blockSignals(True)
        target.setChecked(True)
        self.chip_group.blockSignals(False)

    def _update_chip_texts(self) -> None:
        names = {c.code: c.name for c in self.categories}
        for code, button in self.chips.items():
            label = self.tr("전체") if code is None else names.get(code, code)
            n = sum(self.category_counts.values()) if code is None else self.category_counts.get(code, 0)
            button.setText(f"{label} {n:,}" if self._counts_loaded else label)

    # --- searching ---------------------------------------------------------------------------
    def current_category(self) -> str | None:
        for code, button in self.chips.items():
            if button.isChecked():
                return code
        return None

    def search(self, text: str, category: str | None = None) -> None:
        """Put `text` in the box, choose `category` (None: 전체) and search."""
        self.box.blockSignals(True)
        self.box.setText(text or "")
        self.box.blockSignals(False)
        if category is not None and category not in self.chips:
            # the categories have not arrived yet: a placeholder chip keeps the choice
            self._add_chip(category)
        self.chip_group.blockSignals(True)
        self.chips[category if category in self.chips else None].setChecked(True)
        self.chip_group.blockSignals(False)
        self._update_chip_texts()
        self.run_search()

    def focus_search(self) -> None:
        """Ctrl+F: into the search box, its text selected to type over."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def reload(self) -> None:
        """새로 고침 (F5): the results and the chips' counts again, for the same query."""
        self.run_search()

    def _chip_toggled(self, _button, checked: bool) -> None:
        if checked:
            self.run_search()

    def run_search(self) -> None:
        self.box.timer.stop()
        self._searched = True
        query, category = self.box.text().strip(), self.current_category()
        self.query_changed.emit(self.box.text())
        self.total = None
        self.model.set_search(query, category)
        self._count(query, category)
        self._update_status()
        self._update_buttons()

    def _count(self, query: str, category: str | None) -> None:
        catalog = self.ctx.services.catalog

        def done(counts: dict[str, int]) -> None:
            # one grouped query gives the result count and every chip's count for this query
            self.category_counts, self._counts_loaded = dict(counts), True
            self.total = sum(counts.values()) if category is None else counts.get(category, 0)
            self._update_chip_texts()
            self._update_status()

        # a newer search overtakes this count: only the newest is shown
        self.ctx.query(lambda: catalog.category_counts(query), parent=self, key="counts").quiet() \
            .success(done).failure(lambda _e: None).run()

    def _search_failed(self, exc: BaseException) -> None:
        self._update_status()
        self.ctx.show_failure(exc, self)

    def _update_status(self) -> None:
        n = self.model.rowCount()
        loading = self.model.loading
        total = self.total if self.total is not None else (n if self.model.exhausted and not loading else None)
        self.count_label.setText(self.tr("검색 결과 {n}건").format(n=f"{total:,}") if total is not None
                                 else self.tr("검색 결과"))
        if loading:
            status = self.tr("불러오는 중…")
        elif not self.model.exhausted:
            status = self.tr("{n}건 표시 · 아래로 스크롤하면 더 불러옵니다").format(n=f"{n:,}")
        else:
            status = ""
        self.status_label.setText(status)
        empty = n == 0 and self.model.exhausted and not loading
        if empty:
            self.empty.setText(self._empty_text())
        self.results.setCurrentWidget(self.empty if empty else self.table)
        self._update_buttons()

    def _empty_text(self) -> str:
        query, category = self.model.query, self.model.category
        if query and category:
            name = next((c.name for c in self.categories if c.code == category), category)
            return self.tr("'{cat}' 분류에서 '{q}'에 맞는 서비스를 찾지 못했습니다.\n"
                           "'전체'를 누르거나 검색어를 줄여 다시 찾아 보세요.").format(cat=name, q=query)
        if query:
            return self.tr("'{q}'에 맞는 서비스를 찾지 못했습니다.\n"
                           "검색어를 줄이거나 다른 낱말로 찾아 보세요. (예: 화상, 보안, 교육)").format(q=query)
        if category:
            return self.tr("이 분류에는 아직 등록된 서비스가 없습니다.\n다른 분류를 골라 보세요.")
        return self.tr("아직 등록된 서비스가 없습니다.")

    # --- opening -----------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        self.open_button.setEnabled(selected_row(self.table) is not None)

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            index = self.table.currentIndex()
            row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.ctx.navigate("service_detail", service_id=row.id)

    def on_data_changed(self, changes: Changes, initiator) -> None:
        """A service was registered, edited or hidden, or a category or supplier renamed: recount and
        search again (keeps the query)."""
        if changes.touches(Entity.SERVICE, Entity.CATEGORY, Entity.SUPPLIER) and self._started:
            self.load_categories()
            self.run_search()
