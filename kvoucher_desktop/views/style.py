"""Fonts, icon, palette and the calm style sheet shared by every window.

The text colour and the 10 pt size are the application's palette and font, not a universal
`QWidget { … }` rule: such a rule gives every widget a font and a palette of its own when it is
polished, and each is propagated to all its children again (docs/decisions.md, "Start-up").
"""

from __future__ import annotations

import os

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

FONT_FAMILY = "NanumGothic"
_registered: list[str] = []
#: the bundled fonts and icons: files of the installed package (os.path, not importlib.resources,
#: which costs ≈10 ms of imports before the first window)
RESOURCES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources")

PRIMARY = "#1e4e8c"
#: the ring around whatever has the keyboard focus (buttons, tiles, tabs, tables)
FOCUS = "#d97706"

#: the text colour of every widget (the palette's text roles; a rule may still colour its own)
TEXT = "#1f2933"

STYLE_SHEET = f"""
QMainWindow, QDialog, QWizard {{ background: #f5f7fa; }}
QLabel#pageTitle {{ font-size: 16pt; font-weight: bold; color: {PRIMARY}; padding: 4px 0 8px 0; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: bold; color: #243b53; padding: 6px 0 2px 0; }}
QLabel#errorLabel {{ color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 4px; padding: 6px; }}
QLabel#hint {{ color: #52606d; }}
QLabel#simBadge {{ color: #7c2d12; background: #ffedd5; border: 1px solid #fdba74; border-radius: 4px; padding: 2px 6px; font-weight: bold; }}
QFrame#header {{ background: {PRIMARY}; }}
QFrame#header QLabel {{ color: white; }}
QFrame#header QLabel#brand {{ font-size: 15pt; font-weight: bold; }}
QFrame#header QPushButton {{ background: transparent; color: white; border: 1px solid rgba(255,255,255,0.6); border-radius: 4px; padding: 5px 14px; }}
QFrame#header QPushButton:hover {{ background: rgba(255,255,255,0.15); }}
QFrame#header QPushButton:focus {{ border: 2px solid white; padding: 4px 13px; }}
QFrame#card, QGroupBox {{ background: white; border: 1px solid #d9e2ec; border-radius: 6px; }}
QGroupBox {{ margin-top: 14px; padding: 12px 10px 10px 10px; font-weight: bold; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #243b53; }}
QPushButton {{ qproperty-autoDefault: true; background: white; border: 1px solid #bcccdc; border-radius: 4px; padding: 6px 14px; }}
QPushButton:hover {{ border-color: {PRIMARY}; }}
QPushButton:disabled {{ color: #9aa5b1; background: #f0f4f8; }}
QPushButton#primary {{ background: {PRIMARY}; color: white; border: 1px solid {PRIMARY}; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #9fb3c8; border-color: #9fb3c8; }}
QPushButton#danger {{ color: #b91c1c; border-color: #fca5a5; }}
QPushButton#danger:disabled {{ color: #9aa5b1; border-color: #d9e2ec; background: #f0f4f8; }}
QPushButton#tile {{ background: white; border: 1px solid #d9e2ec; border-radius: 8px; padding: 18px; font-size: 11pt; font-weight: bold; color: #243b53; text-align: center; }}
QPushButton#tile:hover {{ border-color: {PRIMARY}; background: #eef4fb; }}
QPushButton:focus {{ border: 2px solid {FOCUS}; padding: 5px 13px; }}
QPushButton#primary:focus {{ border: 2px solid {FOCUS}; background: #173f73; }}
QPushButton#tile:focus {{ border: 3px solid {FOCUS}; background: #eef4fb; padding: 16px; }}
QPushButton#danger:focus {{ border-color: {FOCUS}; }}
QCheckBox, QRadioButton {{ border: 2px solid transparent; border-radius: 4px; }}
QCheckBox:focus, QRadioButton:focus {{ border-color: {FOCUS}; }}
QTabBar:focus {{ outline: none; }}
QTabBar::tab:selected:focus {{ border: 2px solid {FOCUS}; border-radius: 4px; background: #eef4fb; }}
QTableView:focus, QListView:focus, QTreeView:focus {{ border: 1px solid {FOCUS}; }}
QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus {{ border-color: {FOCUS}; }}
QLineEdit, QTextEdit, QPlainTextEdit, QSpinBox, QDoubleSpinBox, QComboBox, QDateEdit {{ background: white; border: 1px solid #bcccdc; border-radius: 4px; padding: 4px 6px; }}
QLineEdit:focus, QTextEdit:focus, QPlainTextEdit:focus {{ border-color: {PRIMARY}; }}
QLineEdit[invalid="true"], QTextEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"], QSpinBox[invalid="true"], QDoubleSpinBox[invalid="true"], QDateEdit[invalid="true"], QCheckBox[invalid="true"], QTableView[invalid="true"], QListWidget[invalid="true"] {{ border: 2px solid #dc2626; background: #fff5f5; }}
QLineEdit:read-only {{ background: #f0f4f8; color: #486581; }}
QLineEdit:disabled {{ background: #e4e7eb; color: #9aa5b1; border-color: #d9e2ec; }}
QLabel#countdown {{ color: #b91c1c; font-weight: bold; padding: 0 4px; min-width: 36px; }}
QTableView {{ background: white; alternate-background-color: #f8fafc; gridline-color: #e4e7eb; selection-background-color: #cfe0f5; selection-color: #102a43; border: 1px solid #d9e2ec; }}
QHeaderView::section {{ background: #e9eef5; padding: 5px; border: none; border-right: 1px solid #d9e2ec; font-weight: bold; }}
QTabBar::tab {{ padding: 6px 16px; }}
QMenuBar {{ background: white; border-bottom: 1px solid #d9e2ec; }}
QMenuBar::item {{ padding: 6px 14px; }}
QMenuBar::item:selected {{ background: #e6eef8; }}
QStatusBar {{ background: white; border-top: 1px solid #d9e2ec; }}
"""


def _icon_url(name: str) -> str:
    """A bundled icon as a style-sheet url() (forward slashes on every platform)."""
    return os.path.realpath(os.path.join(RESOURCES, "icons", name)).replace(os.sep, "/")


def spin_arrow_rules() -> str:
    """Up/down buttons and arrows for spin boxes and date edits. A style sheet that gives these
    widgets a border makes Qt draw them itself, and without these rules it draws no arrows."""
    up, down = _icon_url("arrow-up.svg"), _icon_url("arrow-down.svg")
    up_off, down_off = _icon_url("arrow-up-disabled.svg"), _icon_url("arrow-down-disabled.svg")
    return f"""
QAbstractSpinBox {{ padding-right: 20px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border; width: 18px; border-left: 1px solid #d9e2ec; background: #f5f7fa; }}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 4px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; border-bottom-right-radius: 4px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{ background: #e6eef8; }}
QAbstractSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 6px; }}
QAbstractSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 6px; }}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::up-arrow:off {{ image: url({up_off}); }}
QAbstractSpinBox::down-arrow:disabled, QAbstractSpinBox::down-arrow:off {{ image: url({down_off}); }}
QDateEdit[calendarPopup="true"] {{ padding-right: 20px; }}
QDateEdit::drop-down {{ subcontrol-origin: border; subcontrol-position: center right; width: 18px; border-left: 1px solid #d9e2ec; background: #f5f7fa; }}
QDateEdit::down-arrow {{ image: url({down}); width: 10px; height: 6px; }}
"""


def register_fonts() -> str:
    """Register the bundled NanumGothic fonts (idempotent); returns the family name."""
    if not _registered:
        for name in ("NanumGothic.ttf", "NanumGothicBold.ttf"):
            font_id = QFontDatabase.addApplicationFont(os.path.join(RESOURCES, "fonts", name))
            if font_id >= 0:
                _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return _registered[0] if _registered else FONT_FAMILY


def app_icon() -> QIcon:
    return QIcon(os.path.join(RESOURCES, "icons", "app.png"))


def install_qt_translations(app: QApplication) -> None:
    """Qt's own buttons and dialogs (OK, Cancel, file dialogs) in Korean (views/translations.py)."""
    from .translations import install_translations

    install_translations(app)


def text_palette(palette: QPalette) -> QPalette:
    """`palette` with TEXT for every text role in every state (the sheet's rule did not know
    states; its `:disabled` rules still grey what they name), placeholders half as strong."""
    text = QColor(TEXT)
    placeholder = QColor(TEXT)  # from the name: QColor(QColor) resolves its overloads through the `Qt` enums (≈30 ms)
    placeholder.setAlpha(128)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                     QPalette.ColorRole.ToolTipText):
            palette.setColor(group, role, text)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, placeholder)
    return palette


def apply_style(app: QApplication) -> None:
    install_qt_translations(app)
    family = register_fonts()
    font = QFont(family, 10)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)  # 10 pt, as the style sheet's text used to say for every widget
    app.setPalette(text_palette(app.palette()))
    sheet = STYLE_SHEET + spin_arrow_rules()
    if app.styleSheet() != sheet:  # parsing it again costs ~50 ms and changes nothing
        app.setStyleSheet(sheet)
    app.setWindowIcon(app_icon())
