"""The outside parties' endpoints of the programme server (docs/decisions.md, "The desk as a client
of the programme server"); the paths and bodies are `remote.gateway_wire`'s.

- 본인인증 (`/api/v1/identity/start|confirm|expires_at`), always served: a real identity provider
  would sit behind the server, and the signup service checks the verification token against the
  server's own verifier, so a desk must verify there. The same Korean refusals as in process;
  sending a code counts against the login flood limits of the caller's address, and a phone number
  gets no more codes a minute than an account gets logins.
- The simulated SMS outbox (`/api/v1/dev/sms`), development only: registered only when the server
  runs with `--dev-endpoints` (`ServerConfig.dev_endpoints`); without it the address is unknown
  (404 with the Korean error envelope), as on any production server. It gives the messages to the
  phone numbers of the session's own account and company (the card issuer's code to the payment
  manager included) and the code of each verification request the desk names — a request id is
  known only to the desk the start answered. Which phones count is the session's business, never
  the body's.

The card and ZeroPay simulators' fault setting (the 시뮬레이터 panel's 결제사 응답) is not served:
one setting would arm the next payment of every desk of the server.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, post
from litestar.params import RawBody

from ..remote import gateway_wire as wire
from ..remote import protocol
from ..services.calls import calling_from
from ..services.errors import DomainError
from ..services.rules.numbers import normalize_mobile

log = logging.getLogger("kvoucher_desktop.server")


def _json(body: bytes, status: int = 200, headers: dict | None = None) -> Response[bytes]:
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _refused(exc: DomainError) -> Response[bytes]:
    return _json(protocol.error_body(exc), protocol.status_of(exc))


def _decode(decoder: msgspec.json.Decoder, body: bytes | None) -> Any:
    """The body as its struct, or a 422 answer naming the field."""
    try:
        return decoder.decode(body or b"{}")
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        message, name = protocol.bad_request_message(exc)
        return _json(protocol.plain_error("ValidationError", "bad_request", message, name), 422)


def _rate_limited() -> Response[bytes]:
    return _json(protocol.plain_error("AuthenticationError", "rate_limited", wire.IDENTITY_RATE_LIMITED_MESSAGE),
                 429, {"Retry-After": "60"})


def own_phones(services, actor) -> set[str]:
    """The mobile numbers of `actor`'s account and of its company or supplier, and the numbers the
    simulated card issuer sends its company's codes to (normalised)."""
    from sqlalchemy import select

    from ..models import Company, Supplier, User
    from ..services.gateways.issuer_store import CardRecord

    found: list[str | None] = []
    with services.engine.connect() as conn:
        found.append(conn.scalar(select(User.phone).where(User.id == actor.user_id)))
        if actor.company_id is not None:
            row = conn.execute(select(Company.representative_phone, Company.manager_phone,
                                      Company.payment_manager_phone).where(Company.id == actor.company_id)).first()
            found += list(row or ())
        if actor.supplier_id is not None:
            found.append(conn.scalar(select(Supplier.phone).where(Supplier.id == actor.supplier_id)))
    if actor.company_id is not None:
        with services.issuer_store.transaction() as session:
            found += session.scalars(select(CardRecord.holder_phone).where(
                CardRecord.company_ref == str(actor.company_id)))
    return {p for p in (normalize_mobile(f) if isinstance(f, str) else None for f in found) if p}


def gateway_routes(state) -> list:
    """The route handlers of `state` (server.app.ServerState): identity always, the SMS outbox
    with `state.config.dev_endpoints` only. Called by `create_app`."""
    # here, not at the top: server.app imports this module
    from .app import bearer_token, client_address

    start_decoder = msgspec.json.Decoder(wire.IdentityStartBody)
    confirm_decoder = msgspec.json.Decoder(wire.IdentityConfirmBody)
    request_decoder = msgspec.json.Decoder(wire.IdentityRequestBody)
    sms_decoder = msgspec.json.Decoder(wire.DevSmsBody)
    size = state.config.max_body_bytes

    @post(wire.IDENTITY_START, sync_to_thread=True, name="identity.start", request_max_body_size=size)
    def identity_start(request: Request, body: RawBody) -> Response[bytes]:
        args = _decode(start_decoder, body)
        if isinstance(args, Response):
            return args
        phone = normalize_mobile(args.phone) if isinstance(args.phone, str) else None
        if not state.by_address.allow(client_address(request)) or (
                phone is not None and not state.by_account.allow(f"\x00sms:{phone}")):
            return _rate_limited()
        identity = state.services.identity
        try:
            with calling_from(client_address(request)):
                request_id = identity.start(args.name, args.phone)
        except DomainError as exc:
            return _refused(exc)
        return _json(protocol.encode(wire.IdentityStarted(request_id=request_id,
                                                          expires_at=identity.expires_at(request_id))))

    @post(wire.IDENTITY_CONFIRM, sync_to_thread=True, name="identity.confirm", request_max_body_size=size)
    def identity_confirm(body: RawBody) -> Response[bytes]:
        args = _decode(confirm_decoder, body)
        if isinstance(args, Response):
            return args
        try:
            verified = state.services.identity.confirm(args.request_id, args.code)
        except DomainError as exc:
            return _refused(exc)
        return _json(protocol.encode(verified))

    @post(wire.IDENTITY_EXPIRES_AT, sync_to_thread=True, name="identity.expires_at", request_max_body_size=size)
    def identity_expires_at(body: RawBody) -> Response[bytes]:
        args = _decode(request_decoder, body)
        if isinstance(args, Response):
            return args
        return _json(protocol.encode(wire.IdentityExpiry(
            expires_at=state.services.identity.expires_at(args.request_id))))

    routes: list = [identity_start, identity_confirm, identity_expires_at]
    if not state.config.dev_endpoints:
        return routes

    @post(wire.DEV_SMS, sync_to_thread=True, name="dev.sms", request_max_body_size=size)
    def dev_sms(request: Request, body: RawBody) -> Response[bytes]:
        args = _decode(sms_decoder, body)
        if isinstance(args, Response):
            return args
        services = state.services
        try:
            token = bearer_token(request)
            phones = own_phones(services, services.sessions.resolve_token(token)) if token else set()
        except DomainError as exc:
            return _refused(exc)
        outbox = list(services.sms.outbox)  # a snapshot: the outbox only grows
        wanted = {id(m) for m in (services.identity.message_of(r) for r in args.requests) if m is not None}
        found = [wire.DevSms(seq=seq, phone=m.phone, text=m.text, sent_at=m.sent_at)
                 for seq, m in enumerate(outbox)
                 if id(m) in wanted or (seq > args.after and m.phone in phones)]
        page = wire.DevSmsPage(messages=found[-wire.MAX_POLLED_MESSAGES:], last=len(outbox) - 1)
        return _json(protocol.encode(page))

    log.warning("development endpoints are on: the simulated SMS are served to desks (never in production)")
    return [*routes, dev_sms]
