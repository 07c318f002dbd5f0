"""Qt's own texts (buttons of message boxes, file dialogs, context menus) in Korean.

PySide6 ships Qt's Korean catalogue (`qtbase_ko.qm` in `QLibraryInfo`'s translations folder);
it is installed once per application, before the first window. What that catalogue leaves in
English in the file dialog is labelled by `widgets.files.korean_labels`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

KOREAN = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)


def install_translations(app: QCoreApplication) -> bool:
    """Install Qt's Korean translation into `app` (idempotent); False when it is not shipped."""
    if getattr(app, "_kvoucher_qt_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(KOREAN, "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    app._kvoucher_qt_translator = translator
    return True
