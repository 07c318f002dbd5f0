"""The shipped NanumGothic (regular and bold) registered with ReportLab once per process."""

from __future__ import annotations

import threading
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "KvNanumGothic"
BOLD = "KvNanumGothicBold"
_FILES = {REGULAR: "NanumGothic.ttf", BOLD: "NanumGothicBold.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> tuple[str, str]:
    """Register the bundled fonts (idempotent, thread-safe); returns (regular, bold) names."""
    global _registered
    if _registered:
        return REGULAR, BOLD
    with _lock:
        if not _registered:
            folder = resources.files("kvoucher_desktop") / "resources" / "fonts"
            for name, file_name in _FILES.items():
                with resources.as_file(folder / file_name) as path:
                    pdfmetrics.registerFont(TTFont(name, str(path)))
            _registered = True
    return REGULAR, BOLD
