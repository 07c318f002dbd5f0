"""The platform never keeps what belongs to the issuers (SPEC §5.4): after every payment path, no
full card number, SMS code or 제로페이 password appears in the platform's store — the SQLite file
and its WAL, or a dump of every platform table on PostgreSQL — nor in the log."""

from __future__ import annotations

import logging
import re

from sqlalchemy import text

from kvoucher_desktop.enums import PaymentMethod
from kvoucher_desktop.models import Base
from kvoucher_desktop.services.store import sqlite_file
from tests.services.test_payments import ZEROPAY_PASSWORD, Desk


def _flows(services, clock) -> tuple[set[str], str]:
    """Every path that types a secret; returns the secrets typed (and sent by SMS) and the last four
    digits of the card issued."""
    used: set[str] = set()
    card = Desk(services, clock)
    used.add(card.card.number)
    ok, wrong_code, wrong_number = card.deal(), card.deal(), card.deal()
    p1, p2, p3 = card.start(ok, wrong_code, wrong_number)
    services.payments.send_card(card.buyer, p1.id, card.card.number, card.card.expiry)
    used.add(card.code())
    services.payments.confirm_code(card.buyer, p1.id, card.code())
    services.payments.send_card(card.buyer, p2.id, card.card.number, card.card.expiry)
    code = card.code()
    used.add(code)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    used.add(wrong)
    for _ in range(5):
        services.payments.confirm_code(card.buyer, p2.id, wrong)
    mistyped = card.card.number[:-1] + str((int(card.card.number[-1]) + 3) % 10)
    used.add(mistyped)
    services.payments.send_card(card.buyer, p3.id, mistyped, card.card.expiry)
    zeropay = Desk(services, clock, PaymentMethod.ZEROPAY)
    used |= {ZEROPAY_PASSWORD, "791346"}
    zeropay.pay_zeropay(zeropay.deal(), "791346")
    zeropay.pay_zeropay(zeropay.deal())
    return used, card.card.last4


def _found(secrets: set[str], blob: str) -> set[str]:
    """Secrets that occur as a whole number (not inside a longer run of digits) in `blob`."""
    return {s for s in secrets if re.search(rf"(?<!\d){s}(?!\d)", blob)}


def test_no_card_number_code_or_password_in_the_store_or_the_log(services, clock, caplog):
    caplog.set_level(logging.DEBUG)
    used, last4 = _flows(services, clock)
    assert len(used) >= 7
    engine = services.engine
    if engine.dialect.name == "sqlite":
        path = sqlite_file(engine)
        blobs = [path.read_bytes()] + ([path.with_name(path.name + "-wal").read_bytes()]
                                       if path.with_name(path.name + "-wal").exists() else [])
        dump = "\n".join(b.decode("latin-1") for b in blobs)
        assert "issuers" not in str(path)
    else:  # a dump of every platform table (COPY … TO STDOUT, what pg_dump writes for the data)
        lines = []
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            for table in Base.metadata.sorted_tables:
                with cur.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                    for block in copy:
                        lines.append(bytes(block).decode("utf-8", "replace"))
        finally:
            raw.close()
        dump = "\n".join(lines)
        assert "payments" in {t.name for t in Base.metadata.sorted_tables}
    assert dump  # the dump is real: the payments are in it
    with engine.connect() as conn:
        approvals = [r[0] for r in conn.execute(text("SELECT approval_no FROM payments WHERE approval_no IS NOT NULL"))]
    assert approvals and all(a in dump for a in approvals)
    assert _found(used, dump) == set()
    assert _found(used, caplog.text) == set()
    assert last4 in dump  # the card's last four digits are what the platform keeps
