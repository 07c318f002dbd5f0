"""Pages everyone sees: home with category tiles, programme guide, announcements, help desk."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..services.clock import format_kst
from ..services.rules.money import format_krw
from .widgets.common import title_label

CATEGORY_BLURBS = {
    "VIDEO": "화상회의·웨비나 솔루션",
    "REMOTE_WORK": "재택근무·협업 도구",
    "NETWORK_SECURITY": "VPN·보안·네트워크",
    "EDUTECH": "온라인 교육·직무훈련",
    "CARE": "원격 돌봄·건강관리",
    "CONSULTING": "원격근무 제도 설계·도입 지원",
}


class TileButton(QPushButton):
    """A home tile: a large button that takes Tab focus (drawn with a focus ring, style.py) and
    opens with Enter and Return as well as with Space and a click."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(text.replace("\n", ", "))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and not event.isAutoRepeat() \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            self.click()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            event.accept()  # pressing already clicked: the release must not click a second time
            return
        super().keyReleaseEvent(event)


def pin_mark(a) -> str:
    """A pinned announcement is marked, unless its title already starts with a [tag]."""
    return "" if not a.pinned or a.title.startswith("[") else QCoreApplication.translate("public", "[중요] ")


def _scroll(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(inner)
    return area


def _text_page(parent: QWidget, title: str) -> tuple[QVBoxLayout, QTextBrowser]:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(24, 16, 24, 16)
    layout.addWidget(title_label(title))
    browser = QTextBrowser()
    browser.setOpenExternalLinks(False)
    layout.addWidget(browser)
    return layout, browser


class HomePage(QWidget):
    """Six category tiles and the latest announcements."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(28, 20, 28, 20)
        hero = QLabel(self.tr("중소기업의 비대면 업무 전환을 돕는 서비스 바우처"))
        hero.setObjectName("pageTitle")
        layout.addWidget(hero)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(title_label(self.tr("서비스 카테고리"), 2))
        self.tiles = QGridLayout()
        self.tiles.setSpacing(12)
        layout.addLayout(self.tiles)
        layout.addWidget(title_label(self.tr("최근 사업공고"), 2))
        self.news = QListWidget()
        self.news.setMinimumHeight(150)
        self.news.itemActivated.connect(lambda _item: ctx.navigate("announcements"))
        layout.addWidget(self.news)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(_scroll(inner))
        self.tile_buttons: list[QPushButton] = []

    def refresh(self) -> None:
        services = self.ctx.services
        self.ctx.query(lambda: (services.programme.categories(), services.programme.announcements(5),
                                services.programme.settings(), services.catalog.category_counts()),
                       parent=self, key="page").success(self._show).run()

    def _show(self, data) -> None:
        categories, announcements, prog, counts = data
        self.summary.setText(self.tr(
            "{year}년 사업: 기업당 최대 {amount}(정부지원 {pct}%, 자부담 {own}%) · 승인 후 {months}개월간 사용"
        ).format(year=prog.year, amount=format_krw(prog.voucher_amount), pct=prog.government_share_pct,
                 own=100 - prog.government_share_pct, months=prog.use_period_months))
        for button in self.tile_buttons:
            button.deleteLater()
        self.tile_buttons = []
        for i, cat in enumerate(categories):
            blurb = self.tr(CATEGORY_BLURBS.get(cat.code, ""))
            count = self.tr("서비스 {n}개").format(n=f"{counts.get(cat.code, 0):,}")
            button = TileButton(f"{cat.name}\n{blurb} · {count}" if blurb else f"{cat.name}\n{count}")
            button.setMinimumHeight(84)
            button.setProperty("category", cat.code)
            button.clicked.connect(lambda _=False, c=cat: self.ctx.navigate("catalog", query="", category=c.code))
            self.tiles.addWidget(button, i // 3, i % 3)
            self.tile_buttons.append(button)
        self.news.clear()
        for a in announcements:
            item = QListWidgetItem(f"{pin_mark(a)}{a.title}    {format_kst(a.posted_at)[:10]}")
            self.news.addItem(item)


class GuidePage(QWidget):
    """사업안내: the programme in plain Korean, with the stored parameters."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        _layout, self.browser = _text_page(self, self.tr("사업안내"))

    def refresh(self) -> None:
        services = self.ctx.services
        self.ctx.query(lambda: (services.programme.settings(), services.programme.categories()),
                       parent=self, key="page").success(self._show).run()

    def _show(self, data) -> None:
        prog, categories = data
        cats = "".join(f"<li>{c.name}</li>" for c in categories)
        self.browser.setHtml(self.tr(
            "<h3>K-비대면 서비스 바우처 사업</h3>"
            "<p>중소기업이 화상회의, 재택근무, 보안, 에듀테크 등 비대면 서비스를 도입할 수 있도록 "
            "정부가 서비스 이용료의 일부를 바우처로 지원합니다.</p>"
            "<h4>지원 내용 ({year}년)</h4><ul>"
            "<li>기업당 바우처 한도: <b>{amount}</b></li>"
            "<li>정부지원 {pct}% · 자부담 {own}%</li>"
            "<li>이용 기간: 승인일로부터 {months}개월</li>"
            "<li>신청 기간: {start} ~ {end}</li></ul>"
            "<h4>진행 절차</h4><ol>"
            "<li>수요기업 회원가입 및 서류 제출 (운영기관 선택)</li>"
            "<li>운영기관 심사 → 심사확정</li>"
            "<li>전문기관 예산 확정 → 승인</li>"
            "<li>바우처 신청(결제수단 선택: 제로페이 또는 신한카드)</li>"
            "<li>서비스 검색 → 거래상담 요청 → 공급기업 수락·결제요청 → 결제</li>"
            "<li>서비스 이용 후 만족도 평가(서비스 정산)</li></ol>"
            "<h4>서비스 분야</h4><ul>{cats}</ul>"
        ).format(year=prog.year, amount=format_krw(prog.voucher_amount), pct=prog.government_share_pct,
                 own=100 - prog.government_share_pct, months=prog.use_period_months,
                 start=prog.application_start, end=prog.application_end, cats=cats))


class AnnouncementsPage(QWidget):
    """사업공고: list from the store, body on the right."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title_label(self.tr("사업공고")))
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.body = QTextBrowser()
        split.addWidget(self.list)
        split.addWidget(self.body)
        split.setSizes([380, 520])
        layout.addWidget(split, 1)
        self.list.currentRowChanged.connect(self._select)
        self.items = []

    def refresh(self) -> None:
        self.ctx.query(self.ctx.services.programme.announcements, parent=self, key="page").success(self._show).run()

    def _show(self, items) -> None:
        self.items = items
        self.list.clear()
        for a in items:
            self.list.addItem(f"{pin_mark(a)}{a.title}\n{format_kst(a.posted_at)}")
        if items:
            self.list.setCurrentRow(0)
        else:
            self.body.setPlainText(self.tr("등록된 공고가 없습니다."))

    def _select(self, row: int) -> None:
        if 0 <= row < len(self.items):
            a = self.items[row]
            self.body.setPlainText(f"{a.title}\n{format_kst(a.posted_at)}\n\n{a.body}")


class SupplierGuidePage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        _layout, self.browser = _text_page(self, self.tr("공급기업 안내"))

    def refresh(self) -> None:
        self.ctx.query(self.ctx.services.programme.settings, parent=self, key="page").success(self._show).run()

    def _show(self, prog) -> None:
        fee = prog.settlement_fee_bp / 100
        self.browser.setHtml(self.tr(
            "<p>공급기업은 비대면 서비스를 플랫폼에 등록하고, 수요기업의 거래상담 요청에 응답하며 "
            "결제를 요청합니다.</p><ul>"
            "<li>공급기업 계정은 공급기업 선정 후 <b>전문기관이 발급</b>합니다(공개 회원가입 없음).</li>"
            "<li>서비스명·카테고리·키워드·가격·설명을 등록하면 카탈로그에서 검색됩니다.</li>"
            "<li>거래상담 요청과 결제요청은 요청한 날을 포함해 {days}일째 되는 날 24:00까지 응답이 없으면 "
            "자동으로 '불가' 처리됩니다(예: 1일 요청 → {last}일 24:00까지).</li>"
            "<li>정산은 결제일로부터 {settle}일 이내에 지급됩니다(수수료 {fee:g}%).</li></ul>"
        ).format(days=prog.deal_window_days + 1, last=prog.deal_window_days + 1, settle=prog.settlement_days, fee=fee))


class DemandGuidePage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout, browser = _text_page(self, self.tr("수요기업 안내"))
        browser.setHtml(self.tr(
            "<p>중소기업(개인사업자 포함)은 회원가입으로 바우처를 신청할 수 있습니다.</p>"
            "<h4>제출 서류</h4><ul>"
            "<li>공통: 사업자등록증, 국세 완납증명서, 지방세 완납증명서</li>"
            "<li>법인: 법인 등기부등본 추가</li>"
            "<li>담당자(임직원)가 신청하는 경우: 4대보험 사업장 가입자 명부 추가</li>"
            "<li>전년도 수요기업: 전년도에 발급된 장애인기업확인서 또는 여성기업확인서가 있어야 재신청 가능</li></ul>"
            "<h4>심사 단계</h4><ul>"
            "<li><b>심사중</b> — 가입 직후. 이 단계에서는 정보를 수정할 수 없습니다.</li>"
            "<li><b>심사보류</b> — 보완 사유를 확인해 수정 후 재제출하면 다시 심사중이 됩니다.</li>"
            "<li><b>심사확정</b> — 운영기관 심사 완료.</li>"
            "<li><b>승인</b> — 전문기관이 바우처 예산을 확정했습니다.</li>"
            "<li><b>심사탈락</b> — 올해는 다시 신청할 수 없습니다.</li></ul>"))
        self.signup = QPushButton(self.tr("수요기업 회원가입"))
        self.signup.setObjectName("primary")
        self.signup.clicked.connect(lambda: ctx.navigate("signup"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.signup)
        layout.addLayout(row)

    def refresh(self) -> None:
        self.signup.setVisible(self.ctx.actor is None)


class HelpDeskPage(QWidget):
    """고객센터: phone numbers and every operating agency's contact."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title_label(self.tr("고객센터")))
        info = QLabel(self.tr(
            "플랫폼 이용 문의: 1357 (평일 09:00~18:00)\n"
            "신한카드 바우처 카드 발급 문의: 1544-7000\n"
            "제로페이 상품권 발행 문의: 1670-0582\n"
            "심사 관련 문의는 선택하신 관할 운영기관으로 연락해 주세요."))
        info.setWordWrap(True)
        layout.addWidget(info)
        layout.addWidget(title_label(self.tr("운영기관 연락처"), 2))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("운영기관"), self.tr("지역"), self.tr("전화"), self.tr("이메일")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        self.ctx.query(self.ctx.services.programme.operators, parent=self, key="page").success(self._show).run()

    def _show(self, operators) -> None:
        self.table.setRowCount(len(operators))
        for r, o in enumerate(operators):
            for c, value in enumerate((o.name, o.region, o.phone, o.email)):
                self.table.setItem(r, c, QTableWidgetItem(value))
