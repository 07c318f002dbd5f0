"""The programme server's ASGI application: the services over HTTP (docs/decisions.md, "The
programme server").

`create_app(services, config)` makes one Litestar route per method of `remote.protocol.methods()`.
A handler is a plain function run in Litestar's thread pool (the services are synchronous and
each call holds one database connection): it takes the Actor from the bearer token's session,
never from the body, decodes the body by the method's own types, calls the gated service and
writes the result. Every refusal is an `ErrorEnvelope` with a Korean message.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from threading import Lock

import msgspec
from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.params import RawBody

from ..remote import protocol
from ..remote.openapi import openapi_document
from ..services.calls import calling_from
from ..services.errors import DomainError, SessionInvalid
from ..services.registry import Services
from ..services.sessions import TOKEN_RE, Bearer
from .gateways import gateway_routes

log = logging.getLogger("kvoucher_desktop.server")

JSON = MediaType.JSON


@dataclass(frozen=True)
class ServerConfig:
    """What a server runs with besides its store (the command line and environment fill it)."""

    #: the simulators' inboxes (SMS codes, identity codes) are served to desks: development only
    dev_endpoints: bool = False
    #: login attempts one client address may make within `login_window_s`
    login_per_address: int = 30
    #: login attempts with one login id within `login_window_s` (the service locks the account
    #: after 5 wrong passwords; this keeps a flood from reaching the store at all)
    login_per_account: int = 10
    login_window_s: float = 60.0
    max_body_bytes: int = protocol.MAX_BODY_BYTES
    #: a service call runs on a thread of the worker's pool (True), or on the worker's event loop
    #: itself, one call at a time per worker (False: no hand-over between threads per request,
    #: but a slow call holds up the worker's other connections)
    calls_in_threads: bool = True


class RateLimiter:
    """Sliding-window counts of login attempts by key, in this worker process."""

    def __init__(self, limit: int, window_s: float, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._seen: dict[str, deque] = {}
        self._lock = Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            if len(self._seen) > 100_000:  # a flood of distinct keys: forget the idle ones
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window_s}
            hits = self._seen.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


@dataclass
class ServerState:
    services: Services
    config: ServerConfig
    by_address: RateLimiter = field(init=False)
    by_account: RateLimiter = field(init=False)

    def __post_init__(self):
        c = self.config
        self.by_address = RateLimiter(c.login_per_address, c.login_window_s)
        self.by_account = RateLimiter(c.login_per_account, c.login_window_s)


def _json(body: bytes, status: int = 200, headers: dict | None = None) -> Response[bytes]:
    return Response(content=body, status_code=status, media_type=JSON, headers=headers)


def _error(exc: DomainError) -> Response[bytes]:
    headers = {"WWW-Authenticate": "Bearer"} if protocol.status_of(exc) == 401 else None
    return _json(protocol.error_body(exc), protocol.status_of(exc), headers)


def bearer_token(request: Request) -> str | None:
    """The bearer token of the request, None without one; a malformed header is refused."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or TOKEN_RE.fullmatch(token) is None:
        raise SessionInvalid()
    return token


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_key(method: protocol.Method, args: dict) -> str | None:
    if (method.service, method.name) != ("accounts", "login"):
        return None
    login_id = args.get("login_id")
    return login_id.strip().casefold()[:200] if isinstance(login_id, str) else ""


def _handler(state: ServerState, method: protocol.Method):
    decoder = msgspec.json.Decoder(method.body, dec_hook=protocol.dec_hook)

    def handle(request: Request, body: RawBody) -> Response[bytes]:
        started = time.perf_counter()
        response = _handle(request, body)
        # how long the call took in the service (W3C Server-Timing): a client or a load test
        # tells the server's time from the network's and the queue's
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    def _handle(request: Request, body: bytes) -> Response[bytes]:
        address = client_address(request)
        try:
            args = method.arguments(decoder.decode(body or b"{}"))
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            message, name = protocol.bad_request_message(exc)
            return _json(protocol.plain_error("ValidationError", "bad_request", message, name), 422)
        try:
            login_key = _login_key(method, args)
            if login_key is not None and not (state.by_address.allow(address)
                                              and state.by_account.allow(login_key)):
                return _json(protocol.plain_error("AuthenticationError", "rate_limited",
                                                  protocol.RATE_LIMITED_MESSAGE), 429, {"Retry-After": "60"})
            token = bearer_token(request)
            call = getattr(getattr(state.services, method.service), method.name)
            with calling_from(address):
                if method.actor is None:
                    result = call(**args)
                elif token is None:
                    if method.actor == "required":
                        raise SessionInvalid()
                    result = call(None, **args)
                else:
                    result = call(Bearer(token), **args)  # the gate resolves it: one lookup
        except DomainError as exc:
            return _error(exc)
        return _json(protocol.encode(result))

    handle.__name__ = f"{method.service}_{method.name}"
    return post(method.path, sync_to_thread=state.config.calls_in_threads, name=method.operation_id,
                request_max_body_size=state.config.max_body_bytes)(handle)


_HTTP_MESSAGES = {
    404: ("not_found", protocol.NOT_FOUND_MESSAGE),
    405: ("method_not_allowed", "이 주소는 POST 요청만 받습니다."),
    413: ("too_large", protocol.TOO_LARGE_MESSAGE),
    415: ("unsupported_media_type", protocol.BAD_REQUEST_MESSAGE),
}


def _http_error(_request: Request, exc: HTTPException) -> Response[bytes]:
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("bad_request", protocol.BAD_REQUEST_MESSAGE))
    response = _json(protocol.plain_error("HTTPError", code, message), exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _server_error(_request: Request, exc: Exception) -> Response[bytes]:
    log.error("unhandled error in a request", exc_info=exc)
    return _json(protocol.plain_error("ServerError", "server_error", protocol.SERVER_ERROR_MESSAGE), 500)


def create_app(services: Services | None, config: ServerConfig = ServerConfig(), *, on_shutdown=()) -> Litestar:
    state = ServerState(services, config)
    handlers = [_handler(state, m) for m in protocol.methods().values()]
    handlers += gateway_routes(state)  # 본인인증, and with dev_endpoints the simulated SMS (server/gateways.py)
    document = protocol.encode(openapi_document(dev_endpoints=config.dev_endpoints))

    @get("/openapi.json", sync_to_thread=False, include_in_schema=False)
    def openapi_json() -> Response[bytes]:
        return _json(document)

    @get(f"{protocol.API_PREFIX}/health", sync_to_thread=False)
    def health() -> Response[bytes]:
        """The bare endpoint: no store, no session (the load test's anchor)."""
        return _json(b'{"ok":true}')

    @get(f"{protocol.API_PREFIX}/time", sync_to_thread=False)
    def server_time() -> Response[bytes]:
        """The server's clock (UTC): desks take deadlines from it, not from their own."""
        return _json(protocol.encode({"now": state.services.clock.now()}))

    return Litestar(
        route_handlers=[*handlers, openapi_json, health, server_time],
        state=State({"kvoucher": state}),
        openapi_config=None,
        request_max_body_size=config.max_body_bytes,
        exception_handlers={HTTPException: _http_error, 500: _server_error},
        on_shutdown=list(on_shutdown),
    )
