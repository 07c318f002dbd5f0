"""Table models over frozen dataclasses: a plain list model and a keyset-paging model.

`RowTableModel` holds a list of rows (dataclasses) and a list of `Column`s; it answers
the display role from the columns and updates single rows in place (`dataChanged`).
`KeysetTableModel` adds paging: `fetchMore` asks a page function for the rows after the
last cursor *in the background* (ctx.query) and appends them with `beginInsertRows`, so a
list of 80,000 companies only ever holds what the user has scrolled to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..tasks import overtake

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY, _ALIGNMENT, _TOOLTIP, _USER = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.UserRole))


@dataclass(frozen=True)
class Column:
    """One column: header text, how to show a row, alignment and a starting width (px)."""

    title: str
    text: Callable[[Any], str]
    align: Qt.AlignmentFlag = ALIGN_LEFT
    width: int = 120
    tooltip: Callable[[Any], str] | None = None
    #: the value a header click sorts by (models that sort); None: the shown text
    sort: Callable[[Any], Any] | None = None


class RowTableModel(QAbstractTableModel):
    """A flat, read-only table of dataclass rows with single-row updates."""

    def __init__(self, columns: list[Column], key: Callable[[Any], Hashable] = lambda r: r.id,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._key = key
        self._rows: list = []
        self._index: dict[Hashable, int] = {}

    # --- Qt API ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(ALIGN_CENTER)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # called for every role of every visible cell at each paint: bounds checked here rather than
        # with checkIndex (which calls rowCount/columnCount back through Python), roles compared as ints
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self._columns)):
            return None
        row = self._rows[r]
        if role == _DISPLAY:
            return self._columns[c].text(row)
        if role == _ALIGNMENT:
            return int(self._columns[c].align)
        if role == _TOOLTIP:
            tooltip = self._columns[c].tooltip
            text = tooltip(row) if tooltip is not None else None
            if text:
                return text
        elif role == _USER:
            return row
        return self.row_data(row, c, role)

    def row_data(self, row, column: int, role: int):
        """Extra roles (colours, check state) for subclasses."""
        return None

    # --- rows --------------------------------------------------------------------------------
    @property
    def columns(self) -> list[Column]:
        return self._columns

    def rows(self) -> list:
        return list(self._rows)

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def key_of(self, row) -> Hashable:
        return self._key(row)

    def position_of(self, key: Hashable) -> int | None:
        return self._index.get(key)

    def set_rows(self, rows: Iterable) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._reindex()
        self.endResetModel()

    def append_rows(self, rows: list) -> None:
        fresh = [r for r in rows if self._key(r) not in self._index]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, r in enumerate(fresh):
            self._rows.append(r)
            self._index[self._key(r)] = first + offset
        self.endInsertRows()

    def update_row(self, row) -> bool:
        """Replace the row with the same key in place; False when it is not loaded."""
        pos = self._index.get(self._key(row))
        if pos is None:
            return False
        self._rows[pos] = row
        self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(self._columns) - 1))
        return True

    def remove_keys(self, keys: Iterable[Hashable]) -> None:
        positions = sorted((self._index[k] for k in set(keys) if k in self._index), reverse=True)
        for pos in positions:
            self.beginRemoveRows(QModelIndex(), pos, pos)
            del self._rows[pos]
            self.endRemoveRows()
        if positions:
            self._reindex()

    def _reindex(self) -> None:
        self._index = {self._key(r): i for i, r in enumerate(self._rows)}


class KeysetTableModel(RowTableModel):
    """Rows paged through the database with a keyset cursor, fetched off the GUI thread.

    `set_source(fetch)` takes `fetch(cursor) -> Page` (a service call) and starts over;
    results of an older source that arrive late are dropped (the newest page query wins).
    """

    loading_changed = Signal(bool)
    page_loaded = Signal(int)  # how many rows the page added
    failed = Signal(object)  # the exception of a failed fetch

    def __init__(self, ctx, columns: list[Column], key: Callable[[Any], Hashable] = lambda r: r.id,
                 parent: QObject | None = None):
        super().__init__(columns, key, parent)
        self._ctx = ctx
        self._fetch: Callable[[tuple | None], Any] | None = None
        self._cursor: tuple | None = None
        self._exhausted = True
        self._loading = False
        #: (indicator, text) shown while a page is out (`show_busy`); none by default
        self._busy_line: tuple[Any, str] | None = None

    @property
    def loading(self) -> bool:
        return self._loading

    def show_busy(self, indicator, text: str = "") -> None:
        """Show `indicator` (a page's busy line) with `text` while a page is being fetched."""
        self._busy_line = (indicator, text)

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def set_source(self, fetch: Callable[[tuple | None], Any] | None) -> None:
        """Forget the loaded rows and load the first page from `fetch`."""
        overtake(self, "page")  # a page of the previous source that arrives late is dropped
        self._fetch = fetch
        self._cursor = None
        self._exhausted = fetch is None
        self._set_loading(False)
        self.set_rows([])  # a view fetches more on the reset: that may already load the first page
        if fetch is not None and not self._loading:
            self._load()

    def reload(self) -> None:
        self.set_source(self._fetch)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._load()

    def _load(self) -> None:
        fetch, cursor = self._fetch, self._cursor
        self._set_loading(True)
        # one page is out at a time; a page of a source replaced meanwhile is overtaken (newest
        # wins), and one that arrives after the model is gone (logout) is dropped
        query = self._ctx.query(lambda: fetch(cursor), parent=self, key="page")
        query = query.busy(*self._busy_line) if self._busy_line is not None else query.quiet()
        query.success(self._page_arrived).failure(self._page_failed).run()

    def _page_arrived(self, page) -> None:
        self._cursor = page.next_cursor
        self._exhausted = page.next_cursor is None
        before = len(self._rows)
        self.append_rows(list(page.rows))
        self._set_loading(False)
        self.page_loaded.emit(len(self._rows) - before)

    def _page_failed(self, exc: BaseException) -> None:
        self._exhausted = True
        self._set_loading(False)
        self.failed.emit(exc)

    # --- reloading what is loaded (a list told that its rows changed) ------------------------------
    def start(self) -> None:
        """Load the first page (forgetting what was loaded): the subclass sets its source."""
        raise NotImplementedError

    @property
    def started(self) -> bool:
        return self._fetch is not None

    def sync(self) -> None:
        """Reload what is loaded (at least one page) in the background and put it in place
        (`place_synced`); `synced` is emitted when it is."""
        if self._fetch is None:
            self.start()
            return
        fetch, want = self._fetch, max(len(self._rows), 1)
        self._set_loading(True)

        def work():
            rows, cursor = [], None
            while True:
                page = fetch(cursor)
                rows.extend(page.rows)
                cursor = page.next_cursor
                if cursor is None or len(rows) >= want:
                    return rows, cursor

        # the same key as a page: a page of an earlier fetchMore would not fit any more (overtaken)
        self._ctx.query(work, parent=self, key="page").quiet() \
            .success(lambda result: self._synced(*result)).failure(self._page_failed).run()

    def place_synced(self, rows: list) -> None:
        """Put the reloaded rows in place (a reset; a subclass may patch them in instead)."""
        self.set_rows(rows)

    def _synced(self, rows: list, cursor) -> None:
        self.place_synced(rows)
        self._cursor = cursor
        self._exhausted = cursor is None
        self._set_loading(False)
        synced = getattr(self, "synced", None)
        if synced is not None:
            synced.emit()

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)


def make_table(model: RowTableModel, parent: QWidget | None = None, *,
               stretch: int | tuple[int, ...] | None = -1, multi: bool = False,
               scroll_when_narrow: bool = False) -> QTableView:
    """A read-only, row-selecting table with the model's starting column widths.

    `stretch` names the column(s) sharing the spare width (-1: the last one, None: none);
    `scroll_when_narrow`: below the width the columns need, the stretched ones keep theirs and the
    table scrolls sideways (pages that fit their columns themselves, like the inbox, leave it off).
    Widths are fixed numbers, never `resizeColumnsToContents` (that reads every row).
    """
    view = QTableView(parent)
    view.setModel(model)
    # Tab leaves the table for the page's buttons (arrows move between rows), as in every field
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSortingEnabled(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(40)
    for i, column in enumerate(model.columns):
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        view.setColumnWidth(i, column.width)
    if stretch is not None and model.columns:
        stretched = tuple(i if i >= 0 else len(model.columns) + i
                          for i in (stretch if isinstance(stretch, tuple) else (stretch,)))
        for index in stretched:
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        if scroll_when_narrow:
            _StretchOrScroll(view, stretched)
    return view


class _StretchOrScroll(QObject):
    """The stretched columns share the spare width while each keeps at least its own width (or
    MIN_STRETCH); when the view is narrower than that (a docked panel, a small window) they keep
    their widths and the table scrolls sideways instead of squeezing a name to a few pixels."""

    MIN_STRETCH = 120

    def __init__(self, view: QTableView, stretched: tuple[int, ...]):
        super().__init__(view)
        self.view, self.stretched = view, stretched
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.fit(event.size().width())
        return False

    def fit(self, width: int) -> None:
        view, header, columns = self.view, self.view.horizontalHeader(), self.view.model().columns
        fixed = sum(view.columnWidth(i) for i in range(len(columns)) if i not in self.stretched)
        wanted = sum(min(columns[i].width, self.MIN_STRETCH) for i in self.stretched)
        squeezed = width - fixed < wanted
        mode = QHeaderView.ResizeMode.Interactive if squeezed else QHeaderView.ResizeMode.Stretch
        for i in self.stretched:
            if header.sectionResizeMode(i) != mode:
                header.setSectionResizeMode(i, mode)
                if squeezed:
                    view.setColumnWidth(i, columns[i].width)


def selected_row(view: QTableView):
    """The dataclass of the current selected row, or None."""
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        return None
    return view.model().row_at(rows[0].row())


def set_rows_keeping_selection(view: QTableView, rows) -> bool:
    """Replace the rows of `view`'s model; the row selected before stays selected if it is still there.

    Returns whether a row is selected afterwards."""
    model = view.model()
    before = selected_row(view)
    model.set_rows(rows)
    pos = model.position_of(model.key_of(before)) if before is not None else None
    if pos is not None:
        view.selectRow(pos)
    return pos is not None
