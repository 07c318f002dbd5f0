"""Opening a *stored* company document in the in-app viewer.

`open_document(ctx, parent, doc)` loads the bytes in the background
(services.companies.document_content) and shows them in `viewer.DocumentViewer` with the
document's details. Nothing is written to a temporary file or handed to the operating system;
"save as" names the copy after the document type and the sniffed kind.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ...services.clock import format_kst
from ...services.dto import DocumentView
from ...services.rules.documents import shown_name
from .document_preview import format_size
from .viewer import DocumentViewer, show_viewer


def document_info(doc: DocumentView) -> str:
    """The line above the page: type, the (cleaned) uploaded name, size and time."""
    return QCoreApplication.translate("DocumentViewer", "{label} · 올린 파일 {filename} · {size} · 올린 시각 {at}").format(
        label=doc.label, filename=shown_name(doc.filename), size=format_size(doc.size), at=format_kst(doc.uploaded_at))


def open_document(ctx, parent: QWidget, doc: DocumentView,
                  shown: Callable[[DocumentViewer], None] | None = None) -> None:
    """Load a document's bytes in the background and show them in the viewer."""
    actor = ctx.actor

    def done(result) -> None:
        view, data = result
        viewer = show_viewer(parent, view.label, data, view.content_type, info=document_info(view))
        if shown is not None:
            shown(viewer)

    ctx.query(lambda: ctx.services.companies.document_content(actor, doc.id), parent=parent).quiet().success(done).run()
