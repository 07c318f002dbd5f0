"""SMS sending. The simulator keeps an outbox that the app shows in its simulator panel."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol

from ..clock import Clock
from ..rules.numbers import normalize_mobile


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    sent_at: datetime


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class SmsOutbox:
    """Messages kept in order, and listeners told of each new one (the simulator panel, the signup
    wizard's inbox): the simulator's own outbox and a desk's view of a server's."""

    def __init__(self):
        self._lock = threading.Lock()
        self.outbox: list[SmsMessage] = []
        self._listeners: list[Callable[[SmsMessage], None]] = []

    def _record(self, messages: list[SmsMessage]) -> None:
        """Append `messages` (the caller holds the lock); `_tell` them once it is released."""
        self.outbox.extend(messages)

    def _tell(self, messages: list[SmsMessage]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for msg in messages:
            for listener in listeners:
                listener(msg)

    def subscribe(self, listener: Callable[[SmsMessage], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[SmsMessage], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def last_to(self, phone: str) -> SmsMessage | None:
        """The newest message to `phone` (typed in any form the number rules accept)."""
        phone = normalize_mobile(phone) or phone
        with self._lock:
            for msg in reversed(self.outbox):
                if msg.phone == phone:
                    return msg
        return None


class SimulatedSms(SmsOutbox):
    """Records messages instead of sending them; listeners see each one (simulator panel)."""

    def __init__(self, clock: Clock):
        super().__init__()
        self._clock = clock

    def send(self, phone: str, text: str) -> SmsMessage:
        """Record the message (and tell the listeners); returns it (a real sender returns nothing)."""
        msg = SmsMessage(phone=phone, text=text, sent_at=self._clock.now())
        with self._lock:
            self._record([msg])
        self._tell([msg])
        return msg
