"""How big the main window opens and how small it may get.

The window opens at 90 % of the screen's available area (what the task bar and docks leave),
at most `LARGEST`, never larger than that area, centred on it. Its minimum comes from its
layouts: the header (search, user, 로그아웃) is never squeezed below its own minimum, and the
page area below it keeps `PAGE_AREA_MINIMUM`; a page that needs more than the area offers
scrolls inside it instead of pushing the header or the status bar off the window.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

#: share of the available screen the window opens at
SCREEN_SHARE = 0.9
#: the largest size it opens at on a big screen (a form page wider than this reads badly)
LARGEST = QSize(1680, 1050)
#: the page area's minimum; with the header, menu and status bar about 1000 x 620 for the window
PAGE_AREA_MINIMUM = QSize(1000, 480)


def scrolling_page_area(pages: QWidget) -> QScrollArea:
    """`pages` (the window's page stack) in a frameless scroll area that lends it the whole
    viewport and scrolls only when a page's minimum is larger than that."""
    area = QScrollArea()
    area.setObjectName("pageArea")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)  # scroll bars as needed: the default (no `Qt` enum at start)
    area.setWidget(pages)
    area.setMinimumSize(PAGE_AREA_MINIMUM)
    return area


def available_geometry(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def opening_size(available: QSize, minimum: QSize) -> QSize:
    """90 % of `available`, at most `LARGEST`, at least `minimum`, never more than `available`."""
    size = QSize(int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE))
    return size.boundedTo(LARGEST).expandedTo(minimum).boundedTo(available)


def fit_to_screen(window: QWidget, page_area: QWidget, available: QRect | None = None) -> QSize:
    """Size and centre `window` for the screen's `available` geometry (by default the window's
    screen); on a screen smaller than the minimum the page area gives way (and scrolls)."""
    available = available if available is not None else available_geometry(window)
    if isinstance(window, QMainWindow):
        window.statusBar()  # counted in the minimum even when it is set up after this call
    chrome = window.minimumSizeHint().height() - page_area.minimumSize().height()  # menu, header, status
    room = QSize(available.width(), max(0, available.height() - max(0, chrome)))
    page_area.setMinimumSize(PAGE_AREA_MINIMUM.boundedTo(room))
    minimum = window.minimumSizeHint().boundedTo(available.size())
    size = opening_size(available.size(), minimum)
    window.resize(size)
    frame = QRect(0, 0, size.width(), size.height())
    frame.moveCenter(available.center())
    window.move(frame.topLeft())
    return size
