"""The exports of 청구내역: where to save (a dialog a test can replace), then the service's export
of the period as a job (progress and cancel) that also writes the file, off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtWidgets import QWidget

from ...enums import BillingExport as ExportKind
from ...services.payment_papers import MAX_BATCH_PAPERS
from ..widgets.files import save_file_name, write_file


def _tr(text: str) -> str:
    return QCoreApplication.translate("Billing", text)


@dataclass(frozen=True)
class ExportSpec:
    button: str
    tooltip: str
    title: str
    suffix: str
    name_filter: str


EXPORTS: dict[ExportKind, ExportSpec] = {
    ExportKind.XLSX: ExportSpec("엑셀로 내려받기", "기간의 모든 건과 합계를 엑셀 파일(.xlsx)로 저장합니다.",
                                "청구내역 엑셀 저장", ".xlsx", "엑셀 통합 문서 (*.xlsx)"),
    ExportKind.CSV: ExportSpec("CSV로 내려받기", "기간의 모든 건과 합계를 CSV 파일로 저장합니다(엑셀에서 열 수 있습니다).",
                               "청구내역 CSV 저장", ".csv", "CSV 파일 (*.csv)"),
    ExportKind.SLIPS: ExportSpec("전표 모음 PDF", "기간의 결제 전표와 취소전표를 목차와 함께 한 PDF로 저장합니다.",
                                 "전표 모음 PDF 저장", ".pdf", "PDF 문서 (*.pdf)"),
}

#: (parent, caption, proposed path, name filter) -> the chosen path or "" (tests replace it)
TargetChooser = Callable[[QWidget, str, str, str], str]


def choose_target(parent: QWidget, caption: str, proposed: str, name_filter: str) -> str:
    return save_file_name(parent, caption, proposed, name_filter)[0]


def proposed_name(kind: ExportKind, period: tuple[date, date]) -> str:
    start, end = period
    stem = "전표모음" if kind is ExportKind.SLIPS else "청구내역"
    return f"{stem}_{start:%Y%m%d}-{end:%Y%m%d}{EXPORTS[kind].suffix}"


def target_path(chosen: str, kind: ExportKind) -> Path:
    """The chosen path with the export's extension (a name typed without it gets it)."""
    path = Path(chosen)
    return path if path.suffix.lower() == EXPORTS[kind].suffix else path.with_name(path.name + EXPORTS[kind].suffix)


def run_export(page, kind: ExportKind, period: tuple[date, date]):
    """Ask where to save the export of `period`, then make and write it as a job; returns the job
    (None when the user chose no file)."""
    spec = EXPORTS[kind]
    if kind is ExportKind.SLIPS and (page.count or 0) > MAX_BATCH_PAPERS:
        page.ctx.show_failure(_tr("전표는 한 번에 {limit}건까지 한 PDF로 묶을 수 있습니다. 이 기간에는 {n}건이 있으니 "
                                  "기간을 줄여 주세요.").format(limit=f"{MAX_BATCH_PAPERS:,}", n=f"{page.count:,}"), page)
        return None
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    chooser: TargetChooser = getattr(page, "choose_target", choose_target)
    chosen = chooser(page, _tr(spec.title), str(Path(folder) / proposed_name(kind, period)), _tr(spec.name_filter))
    if not chosen:
        return None
    path = target_path(chosen, kind)
    ctx, actor, payments = page.ctx, page.ctx.actor, page.ctx.services.payments
    start, end = period

    def work(progress, cancelled) -> tuple[Path, int] | None:
        data = payments.export_billing(actor, kind, start, end, progress=progress, cancelled=cancelled)
        if data is None:  # cancelled
            return None
        return write_file(path, data), len(data)

    def done(result) -> None:
        if result is None:
            ctx.show_notice(_tr("내려받기를 취소했습니다."), _tr("파일을 만들지 않았습니다."), "info")
            return
        saved, _size = result
        page.saved_path = saved
        ctx.show_success(_tr("저장했습니다."), str(saved))

    job = ctx.job(work, title=_tr(spec.title), label=_tr("파일을 만드는 중…"), parent=page)
    job.success(done).run()
    return job
