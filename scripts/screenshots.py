"""Render the main screens with demo data to docs/screenshots/*.png (offscreen, no display needed).

    python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KVOUCHER_DATA_DIR", tempfile.mkdtemp(prefix="kvoucher-shots-"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from kvoucher_desktop.services.clock import FixedClock  # noqa: E402
from kvoucher_desktop.services.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS  # noqa: E402
from kvoucher_desktop.services.registry import build_services  # noqa: E402
from kvoucher_desktop.views.main_window import MainWindow  # noqa: E402
from kvoucher_desktop.views.style import apply_style  # noqa: E402
from kvoucher_desktop.views.tasks import pending_tasks  # noqa: E402

NOW = datetime(2026, 3, 25, 1, 30, tzinfo=timezone.utc)  # 10:30 KST


def settle(app: QApplication, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end or pending_tasks():
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_style(app)
    url = f"sqlite:///{Path(os.environ['KVOUCHER_DATA_DIR']) / 'shots.sqlite3'}"
    seed_demo(url, hash_params=FAST_FOR_TESTS, end=NOW)
    services = build_services(url, FixedClock(NOW), hash_params=FAST_FOR_TESTS, simulator_seed=3)
    window = MainWindow(services, "SQLite: demo.sqlite3")
    window.resize(1280, 800)
    window.show()
    settle(app)

    def shoot(name: str, widget=None) -> None:
        settle(app)
        (widget or window).grab().save(str(out / f"{name}.png"))
        print("saved", out / f"{name}.png")

    shoot("home")

    window.open_signup()
    wiz = window.signup_wizard
    wiz.resize(900, 680)
    settle(app)
    wiz.terms_page.all_check.click()
    wiz.next()
    box = wiz.identity_page.verify
    box.name_edit.setText("김대표")
    box.phone_edit.setText("010-2222-3333")
    box.send_button.click()
    settle(app)
    code = re.search(r"\[(\d{6})\]", services.sms.last_to("010-2222-3333").text).group(1)
    box.code_edit.setText(code)
    box.confirm_button.click()
    settle(app)
    wiz.next()
    page = wiz.company_page
    page.corp_radio.setChecked(True)
    for attr, text in {"name_edit": "가나다소프트 주식회사", "business_no_edit": "220-81-62517",
                       "corporate_no_edit": "110111-1234567", "address_edit": "서울특별시 중구 세종대로 110",
                       "address_detail_edit": "3층 301호", "phone_edit": "02-1234-5678",
                       "industry_edit": "소프트웨어 개발 및 공급업", "employees_edit": "12"}.items():
        getattr(page, attr).setText(text)
    shoot("signup", wiz)
    wiz.reject()
    settle(app)
    window.simulator.hide()

    window.set_actor(services.accounts.login("operator", DEMO_PASSWORD))
    settle(app, 0.8)
    dash = window.pages["screening_dashboard"]
    dash.table.selectRow(0)
    shoot("dashboard")

    window.set_actor(services.accounts.login("demand", DEMO_PASSWORD))
    shoot("status")
    window.open_page("voucher")
    shoot("voucher")
    catalog = window.search_services("화상", None)
    settle(app)
    shoot("catalog")
    first = catalog.model.row_at(0)
    window.open_service(first.id)
    shoot("service_detail")
    inbox = window.open_page("deal_inbox")
    settle(app)
    from kvoucher_desktop.enums import DealTab

    inbox.set_tab(DealTab.PAY)
    settle(app)
    pay_model = inbox.models[DealTab.PAY]
    for row in pay_model.rows()[:2]:
        pay_model.set_checked(row.id, True)
    if pay_model.rowCount():
        inbox.select_deal(pay_model.row_at(0).id)
    shoot("deal_inbox")
    inbox.pay_bar.pay()  # 결제하기 with the ticked deals: the payment window on its quote
    settle(app, 0.8)
    shoot("payment_window", inbox.pay_dialog)
    inbox.pay_dialog.reject()
    settle(app)
    manage = window.open_page("payment_manage")
    settle(app, 0.8)
    shoot("payment_manage")
    from kvoucher_desktop.enums import PaperKind, PaymentTab

    manage.set_tab(PaymentTab.SUCCEEDED)  # 전표 출력 of the newest succeeded payment: the preview
    settle(app, 0.8)
    succeeded = manage.models[PaymentTab.SUCCEEDED]
    if succeeded.rowCount():
        manage.select_payment(succeeded.row_at(0).id)
        settle(app)
        manage.papers.buttons[PaperKind.SLIP].click()
        settle(app, 1.0)
        viewer = manage.papers.viewer
        if viewer is not None:
            viewer.resize(900, 760)
            settle(app, 1.0)
            shoot("slip_preview", viewer)
            viewer.close()
            settle(app)
    window.open_page("billing")
    settle(app, 0.8)
    shoot("billing")
    evaluations = window.open_page("evaluations")  # 서비스 정산: 평가대기, and 평가하기 on its first row
    settle(app, 0.8)
    shoot("evaluations")
    from kvoucher_desktop.enums import EvaluationStatus

    waiting = evaluations.models[EvaluationStatus.PENDING]
    if waiting.rowCount():
        evaluations.select(waiting.row_at(0).id)
        evaluations.evaluate_selected()
        form = evaluations.dialog
        for field, score in (("quality", 5), ("timeliness", 4), ("communication", 5)):
            form.choose(field, score)
        settle(app)
        shoot("evaluation_form", form)
        form.reject()
        settle(app)

    window.set_actor(services.accounts.login("supplier", DEMO_PASSWORD))
    shoot("supplier_services")
    inbox = window.open_page("deal_inbox")
    settle(app)
    if inbox.models[DealTab.CONSULT].rowCount():
        inbox.select_deal(inbox.models[DealTab.CONSULT].row_at(0).id)
    shoot("supplier_inbox")

    window.set_actor(services.accounts.login("demand-hold", DEMO_PASSWORD))
    window.open_page("company_info")
    shoot("company_info")

    window.set_actor(services.accounts.login("agency", DEMO_PASSWORD))
    shoot("budget")
    window.open_page("abandonments")
    shoot("abandonments")
    window.set_actor(services.accounts.login("supplier", DEMO_PASSWORD))
    window.open_page("payments_received")
    settle(app, 0.8)
    shoot("payments_received")
    window.open_page("evaluations_received")
    settle(app, 0.8)
    shoot("evaluations_received")
    window.set_actor(services.accounts.login("agency", DEMO_PASSWORD))
    audit = window.open_page("audit_verify")
    audit.run()
    settle(app, 1.5)
    shoot("audit_verify")
    stats = window.open_page("statistics")
    for i, key in enumerate(stats.panels_order):  # every statistic at 1280×800, the first also at 1920×1080
        stats.tabs.setCurrentIndex(i)
        settle(app, 0.6)
        shoot(f"statistics_{key}")
    window.resize(1920, 1080)
    stats.tabs.setCurrentIndex(0)
    settle(app, 0.6)
    shoot("statistics_1920")
    window.resize(1280, 800)
    window.close()
    services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
