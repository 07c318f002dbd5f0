"""The desktop's view of a programme server: an object with the attributes and methods of
`Services` whose calls go over HTTPS (docs/decisions.md, "The programme server").

`connect(url)` gives `RemoteServices`: `remote.payments.list_tab(actor, tab)` sends the actor's
session token as the bearer token and the other arguments by name, and returns what the service
returns (the same DTO classes, rebuilt by their declared types), or raises the same `DomainError`
class with the server's Korean message, code and field. The views cannot tell the difference.

A lost connection or a time-out is `Unavailable` with a Korean message: nothing the user typed is
touched (the views keep their forms on a refusal). A call whose answer was lost after it was
sent is sent again only when that is safe: reads, and the payment steps, which carry their
idempotency key or act on one attempt that the server does at most once.
"""

from __future__ import annotations

import inspect
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec

from ..services.changes import Done
from ..services.clock import ServerSyncedClock
from ..services.dto import Actor
from ..services.errors import DomainError, SessionInvalid, Unavailable
from . import protocol

log = logging.getLogger("kvoucher_desktop.remote")
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request in the desk's log

UNREACHABLE_MESSAGE = ("서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도해 주세요. "
                       "입력한 내용은 그대로 있습니다.")
ANSWER_LOST_MESSAGE = ("서버의 응답을 받지 못했습니다. 처리되었는지 목록을 새로 고쳐 확인한 뒤 "
                       "필요하면 다시 시도해 주세요.")
BAD_ANSWER_MESSAGE = "서버의 응답을 읽을 수 없습니다. 프로그램 버전이 서버와 맞는지 확인해 주세요."

#: calls that may be sent again when their answer was lost: the server does each at most once
#: (an idempotency key, a cancel key, or one attempt claimed under its row lock)
RESENDABLE = frozenset({
    ("payments", "start"), ("payments", "cancel"), ("payments", "send_card"), ("payments", "confirm_code"),
    ("payments", "pay_zeropay"), ("payments", "abandon"), ("accounts", "logout"),
})

_PLAIN_HTTP_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class ClientConfig:
    #: seconds to connect, and to wait for an answer (an export of a year's 청구내역 takes a while)
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0
    #: how many times a call whose connection failed (or whose answer was lost, when that is
    #: safe) is sent again, with this pause before each
    retries: int = 2
    retry_pause_s: float = 0.3


def check_url(url: str) -> str:
    """`url` without a trailing slash; plain HTTP only to this machine (development)."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ValueError("서버 주소는 https://호스트:포트 형식이어야 합니다.")
    if parsed.scheme == "http" and parsed.host not in _PLAIN_HTTP_HOSTS:
        raise ValueError("암호화되지 않은 http 주소는 이 컴퓨터(127.0.0.1)의 개발용 서버에만 쓸 수 있습니다. "
                         "https 주소를 입력해 주세요.")
    return str(parsed).rstrip("/")


def _reads(method: protocol.Method) -> bool:
    """A method that changes nothing (its result is no `Done`)."""
    return getattr(method.returns, "__origin__", method.returns) is not Done


class Transport:
    """One HTTP connection pool to the server, shared by every thread of the desk."""

    def __init__(self, url: str, *, ca_file: str | Path | None = None, config: ClientConfig = ClientConfig(),
                 http: httpx.Client | None = None):
        self.url = check_url(url)
        self.config = config
        if http is None:
            verify: Any = True
            if ca_file is not None:
                verify = ssl.create_default_context(cafile=str(ca_file))
            timeout = httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s)
            http = httpx.Client(base_url=self.url, verify=verify, timeout=timeout,
                                headers={"User-Agent": "kvoucher-desktop"})
        self.http = http

    def close(self) -> None:
        self.http.close()

    def get(self, path: str) -> bytes:
        response = self._send(lambda: self.http.get(path), resend=True)
        return response.content

    def call(self, method: protocol.Method, token: str | None, arguments: dict[str, Any]) -> Any:
        body = protocol.encode(arguments)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        resend = _reads(method) or (method.service, method.name) in RESENDABLE
        response = self._send(lambda: self.http.post(method.path, content=body, headers=headers), resend=resend)
        if response.status_code == 200:
            try:
                return protocol.decode(response.content, method.returns)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("answer of %s not read: %s", method.operation_id, exc)
                raise Unavailable(BAD_ANSWER_MESSAGE, code="bad_answer") from exc
        error = protocol.error_from(response.content)
        if error is None:
            log.error("answer %s of %s without an error body", response.status_code, method.operation_id)
            raise Unavailable(BAD_ANSWER_MESSAGE, code="bad_answer")
        raise error

    def _send(self, send: Callable[[], httpx.Response], *, resend: bool) -> httpx.Response:
        for attempt in range(self.config.retries + 1):
            try:
                return send()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure: DomainError = Unavailable(UNREACHABLE_MESSAGE, code="server_unreachable")
                cause: Exception = exc  # nothing reached the server: always safe to send again
            except httpx.TransportError as exc:  # sent, answer lost (read time-out, dropped connection)
                failure, cause = Unavailable(ANSWER_LOST_MESSAGE, code="answer_lost"), exc
                if not resend:
                    raise failure from exc
            log.warning("server call failed (%s), attempt %d", cause, attempt + 1)
            if attempt < self.config.retries:
                time.sleep(self.config.retry_pause_s * (attempt + 1))
        raise failure from cause


class RemoteService:
    """One service of the server, with the methods of the service class it stands for."""

    def __init__(self, transport: Transport, service: str):
        self._service = service
        for (name_of_service, name), method in protocol.methods().items():
            if name_of_service == service:
                setattr(self, name, _remote_method(transport, method))

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{self._service}.{name} is not served by the programme server")

    def __repr__(self) -> str:
        return f"<remote {self._service}>"


def _service_function(method: protocol.Method) -> Callable:
    cls = protocol._service_classes()[method.service]
    return getattr(cls, method.name)


def _remote_method(transport: Transport, method: protocol.Method) -> Callable:
    signature = inspect.signature(_service_function(method))
    params = list(signature.parameters.values())[1:]  # without self
    signature = signature.replace(parameters=params)
    wire_names = {p.name for p in method.parameters}

    def call(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        given = dict(bound.arguments)
        token = None
        if method.actor is not None:
            actor = given.pop("actor", None)
            if actor is not None:
                if not isinstance(actor, Actor) or not isinstance(actor.token, str) or not actor.token:
                    raise SessionInvalid()
                token = actor.token
            elif method.actor == "required":
                raise SessionInvalid()
        progress, cancelled = given.pop("progress", None), given.pop("cancelled", None)
        for name in method.local:
            given.pop(name, None)
        if cancelled is not None and cancelled():
            return None
        if progress is not None:
            progress(0.0, "서버에서 만드는 중…")
        result = transport.call(method, token, {k: v for k, v in given.items() if k in wire_names})
        if cancelled is not None and cancelled():
            return None
        if progress is not None:
            progress(1.0, "")
        return result

    call.__name__ = method.name
    call.__qualname__ = f"{method.service}.{method.name}"
    call.__signature__ = signature
    call.__doc__ = _service_function(method).__doc__
    return call


class RemoteServices:
    """What `build_services` gives, for a desk whose shared store is a programme server."""

    def __init__(self, transport: Transport):
        self.transport = transport
        self.url = transport.url
        for name in protocol.SERVICE_NAMES:
            setattr(self, name, RemoteService(transport, name))
        self.clock = ServerSyncedClock(self.server_now)
        self._lock = threading.Lock()

    def server_now(self) -> datetime:
        return protocol.decode(self.transport.get(f"{protocol.API_PREFIX}/time"), _Now).now

    def dispose(self) -> None:
        self.transport.close()


class _Now(msgspec.Struct):
    now: datetime


def connect(url: str, *, ca_file: str | Path | None = None, config: ClientConfig = ClientConfig(),
            http: httpx.Client | None = None) -> RemoteServices:
    """A desk's services on the programme server at `url` (its clock synced to the server's)."""
    services = RemoteServices(Transport(url, ca_file=ca_file, config=config, http=http))
    services.clock.sync()
    return services
