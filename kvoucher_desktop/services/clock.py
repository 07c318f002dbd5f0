"""Injected clocks. Times are aware UTC inside; KST only at the edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

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
