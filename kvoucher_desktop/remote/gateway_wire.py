"""The wire of the outside parties the programme server stands in for (docs/decisions.md, "The desk
as a client of the programme server"): the identity provider (본인인증), served always, and the
simulated SMS outbox, served only by a development server (`kvoucher-server --dev-endpoints`).

The server (`server/gateways.py`) and the client (`remote/client.py`) both read their paths and
body types here, so they agree on every field; like `protocol`, neither Litestar nor httpx is
imported here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from .protocol import API_PREFIX

IDENTITY_START = f"{API_PREFIX}/identity/start"
IDENTITY_CONFIRM = f"{API_PREFIX}/identity/confirm"
IDENTITY_EXPIRES_AT = f"{API_PREFIX}/identity/expires_at"
#: development only: the simulated SMS to the caller's own phones
DEV_SMS = f"{API_PREFIX}/dev/sms"

#: a verification request id as the identity simulator makes them (hex), with room
RequestId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
#: how many verification requests one poll may name (a desk has one or two out at a time)
MAX_POLLED_REQUESTS = 10
#: how many messages one poll returns at most (the newest)
MAX_POLLED_MESSAGES = 50

IDENTITY_RATE_LIMITED_MESSAGE = "인증번호 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."


class IdentityStartBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=1000)]
    phone: Annotated[str, msgspec.Meta(max_length=1000)]


class IdentityStarted(msgspec.Struct, kw_only=True):
    """A code was sent: the request to confirm, and when its code stops being accepted."""

    request_id: str
    expires_at: datetime | None = None


class IdentityConfirmBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    request_id: RequestId
    code: Annotated[str, msgspec.Meta(max_length=100)]


class IdentityRequestBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    request_id: RequestId


class IdentityExpiry(msgspec.Struct, kw_only=True):
    expires_at: datetime | None = None


class DevSmsBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A poll of the simulated outbox. Which phones count is the session's business (its account's
    and company's numbers); `requests` adds the one message of each verification request the desk
    started itself (before login there is no session: the request id it was given is the proof)."""

    #: the `last` of the previous answer (-1: from the start)
    after: Annotated[int, msgspec.Meta(ge=-1)] = -1
    requests: Annotated[list[RequestId], msgspec.Meta(max_length=MAX_POLLED_REQUESTS)] = []


class DevSms(msgspec.Struct, kw_only=True):
    #: the message's place in the server's outbox (grows by one per message)
    seq: int
    phone: str
    text: str
    sent_at: datetime


class DevSmsPage(msgspec.Struct, kw_only=True):
    messages: list[DevSms]
    #: the newest place in the outbox this answer looked at: the next poll's `after`
    last: int
