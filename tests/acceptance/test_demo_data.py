"""`--demo` data: one login per role that works, demand companies in every screening state,
announcements, and the app's start-up path on a fresh SQLite file."""

from __future__ import annotations

from datetime import datetime, timezone

from kvoucher_desktop import app, settings
from kvoucher_desktop.enums import Role, ScreeningStatus
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services

END = datetime(2026, 5, 20, 1, 0, tzinfo=timezone.utc)


def test_demo_has_every_role_every_state_and_announcements(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    seed_demo(url, hash_params=FAST_FOR_TESTS, end=END)
    services = build_services(url, FixedClock(END), hash_params=FAST_FOR_TESTS)
    try:
        roles = {}
        for login_id, role, _what in DEMO_LOGINS:
            actor = services.accounts.login(login_id, DEMO_PASSWORD)
            assert actor.role is role
            roles.setdefault(role, actor)
        assert set(roles) == set(Role)
        counts = services.screening.counts(roles[Role.AGENCY])
        assert all(counts[status] >= 1 for status in ScreeningStatus), counts
        demand = services.companies.get(roles[Role.DEMAND])
        assert demand.status is ScreeningStatus.APPROVED and demand.budget_total == 4_000_000
        hold = services.companies.get(services.accounts.login("demand-hold", DEMO_PASSWORD))
        assert hold.status is ScreeningStatus.ON_HOLD and hold.status_reason
        assert len(services.programme.announcements()) >= 3
        seoul = services.screening.counts(roles[Role.OPERATOR])
        assert sum(seoul.values()) < sum(counts.values())  # the operator sees its jurisdiction only
        rows = services.screening.list_companies(roles[Role.OPERATOR]).rows
        assert any(r.changed_after_confirm for r in rows)
        everyone = services.screening.list_companies(roles[Role.AGENCY]).rows
        assert all(r.submitted_at <= r.status_changed_at <= END for r in everyone)  # no history in the future
        assert all(a.at <= END for a in services.audit.records(roles[Role.AGENCY]))
    finally:
        services.dispose()


def test_print_data_dir(capsys):
    assert app.main(["--print-data-dir"]) == 0
    assert capsys.readouterr().out.strip() == str(settings.data_dir())
