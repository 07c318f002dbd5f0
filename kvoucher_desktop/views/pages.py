"""Page registry: which pages exist and which menus show them, per role.

A page is a QWidget class constructed as `PageClass(ctx: ViewContext, parent=None)`.
It may define `refresh()` (called each time it is shown) and
`on_data_changed(changes: Changes, initiator)` (called with what a run changed, and the widget that
started it, so a page can skip its own changes: `tasks.from_self(page, initiator)`).
Pages are imported lazily by dotted path so start-up stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..enums import Role


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    target: str  # "module.path:ClassName"

    def load(self):
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)


V = "kvoucher_desktop.views"

PAGES = {p.key: p for p in (
    # public (before and after login)
    PageSpec("home", "홈", f"{V}.public:HomePage"),
    PageSpec("guide", "사업안내", f"{V}.public:GuidePage"),
    PageSpec("announcements", "사업공고", f"{V}.public:AnnouncementsPage"),
    PageSpec("supplier_info", "공급기업", f"{V}.public:SupplierGuidePage"),
    PageSpec("demand_info", "수요기업", f"{V}.public:DemandGuidePage"),
    PageSpec("helpdesk", "고객센터", f"{V}.public:HelpDeskPage"),
    PageSpec("catalog", "서비스 검색", f"{V}.catalog.search:CatalogSearchPage"),
    PageSpec("service_detail", "서비스 상세", f"{V}.catalog.detail:ServiceDetailPage"),
    # demand company
    PageSpec("company_info", "기업정보 수정", f"{V}.demand.company_info:CompanyInfoPage"),
    PageSpec("screening_status", "심사 및 예산확인", f"{V}.demand.status:ScreeningStatusPage"),
    PageSpec("change_history", "회원정보 수정이력", f"{V}.demand.history:ChangeHistoryPage"),
    PageSpec("voucher", "바우처 신청", f"{V}.demand.voucher:VoucherPage"),
    PageSpec("wishlist", "찜한 서비스", f"{V}.catalog.wishlist:WishlistPage"),
    PageSpec("my_inquiries", "서비스 문의 내역", f"{V}.catalog.inquiries:MyInquiriesPage"),
    # demand and supplier
    PageSpec("deal_inbox", "서비스 요청", f"{V}.deals.inbox:DealInboxPage"),
    # payments: the buyer's 서비스 결제관리, the supplier's 결제 내역 (with settlement), the agency's 결제 현황
    PageSpec("payment_manage", "서비스 결제관리", f"{V}.payments.manage:PaymentManagePage"),
    PageSpec("payments_received", "결제 내역", f"{V}.payments.manage:PaymentManagePage"),
    PageSpec("payments_overview", "결제 현황", f"{V}.payments.manage:PaymentManagePage"),
    # 청구내역: the completed and cancelled payments of a period, with exports (all three roles)
    PageSpec("billing", "청구내역", f"{V}.payments.billing:BillingPage"),
    # evaluations: the buyer's 서비스 정산, the supplier's 받은 평가, the agency's 만족도 평가 현황
    PageSpec("evaluations", "서비스 정산", f"{V}.evaluations.page:EvaluationPage"),
    PageSpec("evaluations_received", "받은 평가", f"{V}.evaluations.page:EvaluationPage"),
    PageSpec("evaluations_overview", "만족도 평가 현황", f"{V}.evaluations.page:EvaluationPage"),
    # supplier
    PageSpec("supplier_home", "공급기업 정보", f"{V}.supplier.home:SupplierHomePage"),
    PageSpec("supplier_services", "서비스 관리", f"{V}.supplier.services:SupplierServicesPage"),
    PageSpec("supplier_inquiries", "서비스 문의 답변", f"{V}.supplier.inquiries:SupplierInquiriesPage"),
    # operator and agency
    PageSpec("screening_dashboard", "심사관리", f"{V}.screening.dashboard:ScreeningDashboardPage"),
    PageSpec("budget_confirm", "예산확정", f"{V}.agency.budget:BudgetConfirmPage"),
    PageSpec("abandonments", "예산포기 확인", f"{V}.agency.abandonments:AbandonmentsPage"),
    PageSpec("programme_settings", "사업 설정", f"{V}.agency.settings:ProgrammeSettingsPage"),
    PageSpec("manage_announcements", "사업공고 관리", f"{V}.agency.announcements:AnnouncementAdminPage"),
    PageSpec("manage_operators", "운영기관 관리", f"{V}.agency.operators:OperatorAdminPage"),
    PageSpec("manage_accounts", "계정 관리", f"{V}.agency.accounts:AccountAdminPage"),
    PageSpec("audit_verify", "감사 로그 검증", f"{V}.agency.audit:AuditVerifyPage"),
    PageSpec("statistics", "통계", f"{V}.agency.statistics:StatisticsPage"),
)}

#: menu title -> page keys, before login
PUBLIC_MENUS = (
    ("사업안내", ("guide",)),
    ("사업공고", ("announcements",)),
    ("공급기업", ("supplier_info",)),
    ("수요기업", ("demand_info",)),
    ("고객센터", ("helpdesk",)),
)

#: menus after login, by role (the public 사업안내/사업공고/고객센터 stay)
ROLE_MENUS: dict[Role, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Role.DEMAND: (
        ("수요기업", ("demand_info",)),
        ("기업정보관리", ("company_info", "screening_status", "change_history")),
        ("바우처 신청", ("voucher",)),
        ("서비스 요청", ("deal_inbox",)),
        ("바우처 이용/정산관리", ("payment_manage", "billing", "evaluations")),
        ("서비스", ("catalog", "wishlist", "my_inquiries")),
    ),
    Role.SUPPLIER: (
        ("공급기업", ("supplier_home", "supplier_services", "supplier_inquiries")),
        ("서비스 요청", ("deal_inbox",)),
        ("결제 내역", ("payments_received", "billing", "evaluations_received")),
        ("서비스", ("catalog",)),
    ),
    Role.OPERATOR: (
        ("심사관리", ("screening_dashboard",)),
        ("서비스", ("catalog",)),
    ),
    Role.AGENCY: (
        ("심사·예산", ("screening_dashboard", "budget_confirm", "abandonments")),
        ("결제 현황", ("payments_overview", "billing", "evaluations_overview")),
        ("통계", ("statistics",)),
        ("서비스", ("catalog",)),
        ("사업관리", ("programme_settings", "manage_announcements", "manage_operators", "manage_accounts",
                  "audit_verify")),
    ),
}

#: the page shown right after login
ROLE_HOME = {
    Role.DEMAND: "screening_status",
    Role.SUPPLIER: "supplier_services",
    Role.OPERATOR: "screening_dashboard",
    Role.AGENCY: "budget_confirm",
}
