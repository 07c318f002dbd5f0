"""The forms stop typing at the services' limits (rules/limits.py); the service stays the authority."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal

from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.services.rules.limits import SEARCH_LIMIT, limit
from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.signup.wizard import SignupWizard
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.widgets.common import SearchBox
from tests.factories import company_in_state, make_supplier_account
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)


class _Window(QObject):
    data_changed = Signal(object, object)
    actor = None


@pytest.fixture
def wizard(qtbot, qapp, sqlite_services):
    apply_style(qapp)
    wiz = SignupWizard(ViewContext(sqlite_services, _Window()), None, choose_file=lambda *_a: None)
    wiz.confirm_cancel = False
    qtbot.addWidget(wiz)
    yield wiz
    settle(qtbot)


def pasted(edit, text: str) -> str:
    """What a paste leaves in a line edit (QLineEdit.insert obeys maxLength, as a paste does)."""
    edit.clear()
    edit.insert(text)
    return edit.text()


def test_signup_pages_stop_at_the_limits(wizard):
    company, managers = wizard.company_page, wizard.managers_page
    for edit, key in ((company.name_edit, "company.name"), (company.rep_name_edit, "company.representative_name"),
                      (company.address_edit, "company.address"), (company.address_detail_edit, "company.address_detail"),
                      (company.industry_edit, "company.industry"), (managers.name_edit, "company.manager_name"),
                      (managers.email_edit, "company.manager_email")):
        assert edit.maxLength() == limit(key), key
    assert pasted(company.name_edit, "가" * 150) == "가" * 100  # the reported 150-character name


def test_company_info_form_stops_at_the_limits(qtbot, desk, sqlite_services):
    demand, _ = company_in_state(sqlite_services, ScreeningStatus.ON_HOLD)
    page = desk(demand).open_page("company_info")
    settle(qtbot)
    assert page.fields["name"].maxLength() == limit("company.name") == 100
    assert page.fields["address"].maxLength() == limit("company.address") == 300
    assert page.fields["manager_email"].maxLength() == limit("company.manager_email")
    assert len(pasted(page.fields["name"], "나" * 150)) == 100


def test_service_editor_and_search_boxes_stop_at_the_limits(qtbot, desk, sqlite_services):
    window = desk(make_supplier_account(sqlite_services))
    page = window.pages["supplier_services"]
    page.add_button.click()
    dialog = page.editor
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.name_edit.maxLength() == limit("service.name") == 200
    assert dialog.keywords_edit.maxLength() == limit("service.keywords") == 500
    dialog.reject()
    box = SearchBox("검색", lambda: None)
    qtbot.addWidget(box)
    assert box.maxLength() == SEARCH_LIMIT and len(pasted(box, "화" * 30_000)) == SEARCH_LIMIT


def test_money_edit_reads_full_width_digits(qtbot):
    from kvoucher_desktop.views.widgets.money import MoneyEdit
    from tests.views.helpers import type_text

    edit = MoneyEdit()
    qtbot.addWidget(edit)
    edit.show()
    type_text(edit, "１２０００")  # an input method in full-width mode
    assert edit.value() == 12_000 and edit.text() == "12,000"
    type_text(edit, "٣", replace=True)  # other scripts' digits are not digits here
    assert edit.value() is None
