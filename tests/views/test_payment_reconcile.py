"""The main window reconciles payments with their issuers in its housekeeping (at start and every
few minutes): an approval whose answer the desk never heard becomes SUCCEEDED (SPEC §5.4)."""

from __future__ import annotations


from kvoucher_desktop.enums import PaymentStatus
from kvoucher_desktop.services.rules import payments as rules
from tests.services.test_payments import Desk
from tests.views.page_support import desk  # noqa: F401  (a fixture)


def test_the_windows_housekeeping_records_an_approval_whose_answer_was_lost(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    buyer_desk = Desk(services, clock)
    (p,) = buyer_desk.start(buyer_desk.deal())
    services.payments.send_card(buyer_desk.buyer, p.id, buyer_desk.card.number, buyer_desk.card.expiry)
    services.cards.confirm(p.attempt_key, buyer_desk.code())  # the issuer approved; the desk died before it heard
    clock.advance(seconds=rules.RECONCILE_AFTER.total_seconds() + 1)
    window = desk(buyer_desk.buyer)
    window.sweep_deals()
    qtbot.waitUntil(lambda: services.payments.get(buyer_desk.buyer, p.id).status is PaymentStatus.SUCCEEDED,
                    timeout=5000)
