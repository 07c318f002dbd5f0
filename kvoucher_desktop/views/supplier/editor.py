"""서비스 등록/수정: the dialog in which a supplier registers or edits one of its services.

Name, category, keywords, price (VAT included), description, a representative picture and the
hidden flag. Saving runs off the GUI thread; a refused field is marked with the Korean message
and everything typed stays, so the user corrects the one field and saves again.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.dto import CategoryView, ServiceForm, ServiceRow
from ...services.rules.documents import image_size_error, sniff_content_type
from ...services.rules.korean import particle
from ...services.rules.limits import limit
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, mark_invalid
from ..widgets.files import FileChooser, choose_image
from ..widgets.forms import FieldErrors
from ..widgets.money import MoneyEdit

THUMB_W, THUMB_H = 176, 120
DESCRIPTION_LIMIT = limit("service.description")  # the service refuses longer text; the counter says so before saving
IMAGE_TYPES = ("image/png", "image/jpeg")


class ImageBox(QFrame):
    """The thumbnail of the representative picture (or a placeholder text)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("imageBox")
        self.setFixedSize(THUMB_W + 4, THUMB_H + 4)
        self.setStyleSheet(
            "QFrame#imageBox { border: 1px dashed #9fb3c8; border-radius: 4px; background: #f8fafc; }"
            " QFrame#imageBox[invalid=\"true\"] { border: 2px solid #dc2626; background: #fff5f5; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setObjectName("hint")
        self.picture.setWordWrap(True)
        layout.addWidget(self.picture)
        self.show_bytes(None)

    def show_bytes(self, data: bytes | None) -> bool:
        """Show `data` scaled into the box; False (and a placeholder) when it is not a picture."""
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.picture.setPixmap(pixmap.scaled(THUMB_W, THUMB_H, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
            return True
        self.picture.setPixmap(QPixmap())
        self.picture.setText(self.tr("대표 이미지 없음") if not data else self.tr("미리보기를 만들 수 없습니다"))
        return False

    @property
    def has_picture(self) -> bool:
        pixmap = self.picture.pixmap()
        return pixmap is not None and not pixmap.isNull()


class ServiceEditorDialog(QDialog):
    """Registers a new service (`service_id` None) or edits one of the supplier's own services."""

    saved = Signal(object)  # ServiceRow

    def __init__(self, ctx, service_id: uuid.UUID | None = None, parent: QWidget | None = None, *,
                 choose_file: FileChooser | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service_id = service_id
        #: (parent, title) -> (file name, bytes) | None; tests supply bytes without a dialog
        self.choose_image: FileChooser = choose_file or choose_image
        self.categories: list[CategoryView] = []
        self.loaded = False
        self.saved_row: ServiceRow | None = None
        self.current_image = False  # the stored service has a picture
        self.new_image: bytes | None = None
        self.new_image_name = ""
        self.remove_image = False
        self.setWindowTitle(self.tr("서비스 등록") if service_id is None else self.tr("서비스 수정"))
        self.setMinimumWidth(640)
        self._build()
        self._load()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        intro = QLabel(self.tr("수요기업이 서비스 검색에서 보는 내용입니다. 가격은 부가세(VAT)를 포함한 금액으로 적어 주세요.")
                       if self.service_id is None else
                       self.tr("바꾼 내용은 저장하는 즉시 서비스 검색과 상세 화면에 반영됩니다. "
                               "진행 중인 거래의 금액은 바뀌지 않습니다."))
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(limit("service.name"))
        self.name_edit.setPlaceholderText(self.tr("예: 클라우드 화상회의 솔루션 1년 이용권"))
        form.addRow(self.tr("서비스명"), self.name_edit)

        self.category_combo = QComboBox()
        self.category_combo.setMinimumWidth(260)
        self.category_combo.addItem(self.tr("분류를 불러오는 중…"), "")
        category_row = QHBoxLayout()
        category_row.addWidget(self.category_combo)
        category_row.addStretch(1)
        form.addRow(self.tr("분류"), category_row)

        self.keywords_edit = QLineEdit()
        self.keywords_edit.setMaxLength(limit("service.keywords"))
        self.keywords_edit.setPlaceholderText(self.tr("예: 화상회의, 원격수업, 클라우드"))
        keywords_hint = QLabel(self.tr("쉼표(,)로 구분해 20개까지 적습니다. 서비스 검색에서 이 낱말로도 찾을 수 있습니다."))
        keywords_hint.setObjectName("hint")
        keywords_hint.setWordWrap(True)
        keywords_box = QVBoxLayout()
        keywords_box.setSpacing(2)
        keywords_box.addWidget(self.keywords_edit)
        keywords_box.addWidget(keywords_hint)
        form.addRow(self.tr("키워드"), keywords_box)

        self.price_edit = MoneyEdit()
        self.price_edit.setFixedWidth(180)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price_edit)
        price_row.addWidget(QLabel(self.tr("원")))
        price_note = QLabel(self.tr("부가세(VAT) 포함"))
        price_note.setObjectName("hint")
        price_row.addSpacing(8)
        price_row.addWidget(price_note)
        price_row.addStretch(1)
        form.addRow(self.tr("가격"), price_row)

        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText(
            self.tr("서비스의 내용, 제공 방식, 이용 기간, 지원 범위 등을 적어 주세요."))
        self.description_edit.setMinimumHeight(130)
        self.description_edit.setTabChangesFocus(True)
        self.description_count = QLabel()
        self.description_count.setObjectName("hint")
        self.description_count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.description_edit.textChanged.connect(self._count_description)
        description_box = QVBoxLayout()
        description_box.setSpacing(2)
        description_box.addWidget(self.description_edit)
        description_box.addWidget(self.description_count)
        form.addRow(self.tr("설명"), description_box)

        self.image_box = ImageBox()
        self.choose_image_button = QPushButton(self.tr("이미지 선택…"))
        self.choose_image_button.clicked.connect(self.pick_image)
        self.remove_image_button = QPushButton(self.tr("이미지 삭제"))
        self.remove_image_button.clicked.connect(self.drop_image)
        self.image_note = QLabel(self.tr("JPG 또는 PNG, 5MB 이하"))
        self.image_note.setObjectName("hint")
        self.image_note.setWordWrap(True)
        self.image_note.setMinimumWidth(260)
        image_buttons = QVBoxLayout()
        image_buttons.addWidget(self.choose_image_button)
        image_buttons.addWidget(self.remove_image_button)
        image_buttons.addWidget(self.image_note)
        image_buttons.addStretch(1)
        image_row = QHBoxLayout()
        image_row.addWidget(self.image_box)
        image_row.addLayout(image_buttons)
        image_row.addStretch(1)
        form.addRow(self.tr("대표 이미지"), image_row)

        self.hidden_check = QCheckBox(self.tr("숨김 — 서비스 검색에 보이지 않고 새 거래상담을 받지 않습니다"))
        form.addRow(self.tr("공개 설정"), self.hidden_check)
        layout.addLayout(form)

        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("취소"))
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton(self.tr("등록") if self.service_id is None else self.tr("저장"))
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

        self.fields: dict[str, QWidget] = {
            "name": self.name_edit, "category_code": self.category_combo, "keywords": self.keywords_edit,
            "price": self.price_edit, "description": self.description_edit, "image": self.image_box,
        }
        self.errors = FieldErrors(self.error, self.fields)
        # a corrected field loses its red mark as soon as the user changes it
        self.name_edit.textEdited.connect(lambda _t: mark_invalid(self.name_edit, False))
        self.keywords_edit.textEdited.connect(lambda _t: mark_invalid(self.keywords_edit, False))
        self.price_edit.textEdited.connect(lambda _t: mark_invalid(self.price_edit, False))
        self.description_edit.textChanged.connect(lambda: mark_invalid(self.description_edit, False))
        self.category_combo.activated.connect(lambda _i: mark_invalid(self.category_combo, False))
        self._count_description()
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        actor = self.ctx.actor
        catalog = self.ctx.services.catalog
        programme = self.ctx.services.programme
        service_id = self.service_id
        self._set_inputs_enabled(service_id is None)  # an edit waits for the stored values

        def load():
            categories = programme.categories()
            if service_id is None:
                return categories, None, None
            return categories, catalog.service_form(actor, service_id), catalog.image(actor, service_id)

        def done(result) -> None:
            categories, form, image = result
            self._fill_categories(categories)
            if form is not None:
                self._fill_form(form, image)
            self.loaded = True
            self._set_inputs_enabled(True)
            self._update_buttons()
            self.name_edit.setFocus()

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        text = self.tr("분류를 불러오는 중…") if service_id is None else self.tr("서비스 정보를 불러오는 중…")
        self.ctx.query(load, parent=self, key="form").busy(text=text).success(done).failure(failed) \
            .after(self._update_buttons).run()
        self._update_buttons()

    def _fill_categories(self, categories: list[CategoryView]) -> None:
        chosen = self.category_combo.currentData() or ""
        self.categories = list(categories)
        self.category_combo.clear()
        self.category_combo.addItem(self.tr("분류를 선택해 주세요"), "")
        for category in self.categories:
            self.category_combo.addItem(category.name, category.code)
        self.set_category(chosen)

    def set_category(self, code: str) -> None:
        index = self.category_combo.findData(code)
        self.category_combo.setCurrentIndex(max(index, 0))

    def _fill_form(self, form: ServiceForm, image: bytes | None) -> None:
        self.name_edit.setText(form.name)
        self.set_category(form.category_code)
        self.keywords_edit.setText(form.keywords)
        self.price_edit.set_value(form.price)
        self.description_edit.setPlainText(form.description)
        self.hidden_check.setChecked(form.hidden)
        self.current_image = image is not None
        self.image_box.show_bytes(image)
        if image is not None:
            self.image_note.setText(self.tr("등록된 이미지 · JPG 또는 PNG, 5MB 이하"))

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (*self.fields.values(), self.hidden_check, self.choose_image_button,
                       self.remove_image_button):
            widget.setEnabled(enabled)

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.save_button.setEnabled(idle and self.loaded)
        has_image = self.new_image is not None or (self.current_image and not self.remove_image)
        self.remove_image_button.setEnabled(idle and self.loaded and has_image)
        self.choose_image_button.setEnabled(idle and self.loaded)

    def _count_description(self) -> None:
        n = len(self.description_edit.toPlainText().strip())
        self.description_count.setText(self.tr("{n} / {limit}자").format(n=f"{n:,}", limit=f"{DESCRIPTION_LIMIT:,}"))
        self.description_count.setStyleSheet("color: #b91c1c;" if n > DESCRIPTION_LIMIT else "")

    # --- picture -----------------------------------------------------------------------------
    def pick_image(self) -> None:
        chosen = self.choose_image(self, self.tr("대표 이미지 선택"))
        if not chosen:
            return
        name, data = chosen
        self.errors.clear()
        if sniff_content_type(data) not in IMAGE_TYPES:
            self.error.show_message(
                self.tr("'{name}'{eun} JPG 또는 PNG 이미지가 아닙니다. 다른 파일을 골라 주세요.").format(
                    name=name, eun=particle(name, "은")))
            mark_invalid(self.image_box, True)
            return
        too_big = image_size_error(data, self.tr("대표 이미지"))  # the header only: at once
        if too_big:
            self.error.show_message(too_big)
            mark_invalid(self.image_box, True)
            return
        self.new_image, self.new_image_name, self.remove_image = data, name, False
        self.image_box.show_bytes(data)
        self.image_note.setText(self.tr("새 이미지: {name} ({size})").format(name=name, size=_size_text(len(data))))
        self._update_buttons()

    def drop_image(self) -> None:
        self.new_image, self.new_image_name = None, ""
        self.remove_image = self.current_image
        mark_invalid(self.image_box, False)
        self.image_box.show_bytes(None)
        self.image_note.setText(self.tr("저장하면 등록된 이미지를 지웁니다.") if self.current_image
                                else self.tr("JPG 또는 PNG, 5MB 이하"))
        self._update_buttons()

    # --- saving ------------------------------------------------------------------------------
    def form(self) -> ServiceForm:
        """What is on the screen now, as the service takes it."""
        return ServiceForm(
            name=self.name_edit.text(),
            category_code=self.category_combo.currentData() or "",
            keywords=self.keywords_edit.text(),
            price=self.price_edit.value() or 0,
            description=self.description_edit.toPlainText(),
            hidden=self.hidden_check.isChecked(),
            image=self.new_image,
            remove_image=self.remove_image and self.new_image is None,
        )

    def save(self) -> None:
        if not self.loaded or self.busy.busy:
            return
        self.errors.clear()
        actor = self.ctx.actor
        catalog = self.ctx.services.catalog
        form, service_id = self.form(), self.service_id

        def done(row: ServiceRow) -> None:
            self.saved_row = row
            self.service_id = row.id
            self.saved.emit(row)
            self.accept()

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: catalog.save_service(actor, form, service_id), parent=self) \
            .busy(text=self.tr("저장하는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024)):,}KB"
