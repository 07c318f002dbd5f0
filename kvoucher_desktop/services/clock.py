"""Injected clocks. Times are aware UTC inside; KST only at the edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
import logging
import time
from typing import Callable, Protocol
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

try:
    KST = ZoneInfo("Asia/Seoul")
except Exception:  # pragma: no cover - Windows without tzdata: Korea has no DST since 1988
    KST = timezone(timedelta(hours=9), "KST")


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock tests (and the demo) can set and move."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = when.astimezone(timezone.utc)

    def advance(self, **kwargs) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now


class ServerSyncedClock:
    """The desk's clock corrected to a shared server's, so that every desk on one PostgreSQL store
    lets a deal lapse at the same instant (D+2 24:00 KST) whatever its own clock says.

    `now()` never touches the network: `sync()` measures the offset (at start and with the
    periodic deal sweep, both off the GUI thread); a failed sync keeps the last offset."""

    def __init__(self, read_server_now: Callable[[], datetime] | None = None,
                 local: Callable[[], datetime] | None = None):
        self._read = read_server_now
        self._local = local or SystemClock().now
        self.offset = timedelta(0)
        self.synced = False

    def attach(self, read_server_now: Callable[[], datetime]) -> None:
        self._read = read_server_now

    def sync(self) -> timedelta:
        """Measure server − local (half the round trip taken off); returns the offset in use."""
        if self._read is None:
            return self.offset
        start = self._local()
        t0 = time.monotonic()
        try:
            server = self._read()
        except Exception as exc:  # noqa: BLE001 - a shared desk keeps working on the last offset
            log.warning("server clock not read, keeping offset %s: %s", self.offset, exc)
            return self.offset
        half_trip = timedelta(seconds=(time.monotonic() - t0) / 2)
        self.offset = server.astimezone(timezone.utc) - (start + half_trip)
        self.synced = True
        if abs(self.offset) > timedelta(minutes=1):
            log.warning("this desk's clock is %s off the server's; the server's time is used", self.offset)
        return self.offset

    def now(self) -> datetime:
        return self._local() + self.offset


def to_kst(moment: datetime) -> datetime:
    return moment.astimezone(KST)


def kst_date(moment: datetime) -> date:
    return moment.astimezone(KST).date()


def kst_midnight_utc(day: date) -> datetime:
    """00:00 KST of `day`, as aware UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=KST).astimezone(timezone.utc)


def format_kst(moment: datetime | None, seconds: bool = False) -> str:
    if moment is None:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return moment.astimezone(KST).strftime(fmt)


def format_deadline_kst(moment: datetime | None) -> str:
    """A deadline as people say it: 00:00 KST of D+3 reads "D+2 24:00" (the last day it is still open)."""
    if moment is None:
        return ""
    local = moment.astimezone(KST)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return format_kst(moment)
