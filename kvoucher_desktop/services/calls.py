"""Where the current service call comes from: the client address a programme server saw, for
the audit records the call writes (None for a call made on the desk itself)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("kvoucher_client_address", default=None)


@contextmanager
def calling_from(address: str | None) -> Iterator[None]:
    """Service calls made inside come from `address` (the server sets it per request)."""
    token = _CLIENT_ADDRESS.set(address)
    try:
        yield
    finally:
        _CLIENT_ADDRESS.reset(token)


def client_address() -> str | None:
    return _CLIENT_ADDRESS.get()
