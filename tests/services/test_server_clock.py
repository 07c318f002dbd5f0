"""On a shared PostgreSQL store the app's clock follows the server's."""

from datetime import datetime, timedelta, timezone

import pytest

from kvoucher_desktop.app import prepare_services
from kvoucher_desktop.services.clock import ServerSyncedClock, SystemClock
from kvoucher_desktop.services.store import server_now


def test_the_app_clock_by_store(store_url):
    services = prepare_services(store_url, demo=False)
    try:
        if services.engine.dialect.name == "postgresql":
            assert isinstance(services.clock, ServerSyncedClock) and services.clock.synced
            # same machine here: the measured offset is the round trip's noise, not minutes
            assert abs(services.clock.offset) < timedelta(seconds=2)
            read = server_now(services.engine)
            assert read.tzinfo is not None
            assert abs(read - datetime.now(timezone.utc)) < timedelta(seconds=5)
        else:
            assert isinstance(services.clock, SystemClock)  # a local store is the desk's own clock
            with pytest.raises(Exception):
                server_now(services.engine)
    finally:
        services.dispose()
