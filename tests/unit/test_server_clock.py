"""Shared desks follow the server's clock (deadlines lapse at one instant for every desk)."""

from datetime import datetime, timedelta, timezone

from kvoucher_desktop.services.clock import KST, ServerSyncedClock

LOCAL = datetime(2026, 3, 4, 14, 59, 0, tzinfo=timezone.utc)  # 23:59 KST on this desk


def test_offset_is_applied_and_kept_when_the_server_cannot_be_read():
    server = {"now": LOCAL + timedelta(minutes=2)}  # the server is already past midnight KST

    def read():
        if server["now"] is None:
            raise OSError("network down")
        return server["now"]

    clock = ServerSyncedClock(read, local=lambda: LOCAL)
    assert clock.now() == LOCAL and not clock.synced  # before the first sync: the desk's own time
    offset = clock.sync()
    assert abs(offset - timedelta(minutes=2)) < timedelta(milliseconds=50)
    assert clock.now().astimezone(KST) >= datetime(2026, 3, 5, 0, 0, tzinfo=KST)
    server["now"] = None
    assert clock.sync() == offset  # a failed read keeps the last offset
    assert clock.synced


def test_without_a_server_it_is_the_desk_clock():
    clock = ServerSyncedClock(local=lambda: LOCAL)
    assert clock.sync() == timedelta(0) and clock.now() == LOCAL
