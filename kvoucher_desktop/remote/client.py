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
from ..services.errors import DomainError, SessionInvalid, SettingsError, Unavailable
from ..services.gateways.identity import VerifiedIdentity
from ..services.gateways.sms import SmsMessage, SmsOutbox
from . import gateway_wire as wire
from . import protocol

log = logging.getLogger("kvoucher_desktop.remote")
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request in the desk's log

UNREACHABLE_MESSAGE = ("서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도해 주세요. "
                       "입력한 내용은 그대로 있습니다.")
ANSWER_LOST_MESSAGE = ("서버의 응답을 받지 못했습니다. 처리되었는지 목록을 새로 고쳐 확인한 뒤 "
                       "필요하면 다시 시도해 주세요.")
BAD_ANSWER_MESSAGE = "서버의 응답을 읽을 수 없습니다. 프로그램 버전이 서버와 맞는지 확인해 주세요."
CA_FILE_MESSAGE = "CA 파일을 읽을 수 없습니다: {path}\nPEM 형식의 인증서 파일인지, 경로가 맞는지 확인해 주세요."
NOT_A_SERVER_MESSAGE = "이 주소에서 K-비대면 바우처 서버가 응답하지 않습니다. 주소와 포트를 확인해 주세요."
CERTIFICATE_MESSAGE = ("서버의 인증서를 확인할 수 없습니다. 사설 인증서를 쓰는 서버라면 그 인증서를 발급한 CA 파일을 "
                       "지정해 주세요. (설정 → 서버 연결…, --server-ca 또는 KVOUCHER_SERVER_CA)")

#: calls that may be sent again when their answer was lost: the server does each at most once
#: (an idempotency key, a cancel key, or one attempt claimed under its row lock)
RESENDABLE = frozenset({
    ("payments", "start"), ("payments", "cancel"), ("payments", "send_card"), ("payments", "confirm_code"),
    ("payments", "pay_zeropay"), ("payments", "abandon"), ("accounts", "logout"),
})

_PLAIN_HTTP_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


#: seconds an idle connection to the server is kept (below the server's `run.KEEP_ALIVE_S`, 30)
KEEP_ALIVE_S = 25.0


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
            if ca_file:
                try:
                    verify = ssl.create_default_context(cafile=str(ca_file))
                except (OSError, ssl.SSLError) as exc:
                    raise SettingsError(CA_FILE_MESSAGE.format(path=ca_file), code="server_ca", field="ca_file") \
                        from exc
            timeout = httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s)
            # an idle connection is kept 25 s (httpx: 5 s), below the server's 30 s: a desk whose user
            # reads a page between clicks does not pay a TLS handshake for every call
            limits = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=KEEP_ALIVE_S)
            http = httpx.Client(base_url=self.url, verify=verify, timeout=timeout, limits=limits,
                                headers={"User-Agent": "kvoucher-desktop"})
        self.http = http

    def close(self) -> None:
        self.http.close()

    def get(self, path: str) -> bytes:
        response = self._send(lambda: self.http.get(path), resend=True)
        return response.content

    def call(self, method: protocol.Method, token: str | None, arguments: dict[str, Any]) -> Any:
        resend = _reads(method) or (method.service, method.name) in RESENDABLE
        return self.post(method.path, protocol.encode(arguments), token, method.returns, resend=resend,
                         name=method.operation_id)

    def post(self, path: str, body: bytes, token: str | None, returns: Any, *, resend: bool, name: str = "") -> Any:
        """POST `body` (JSON) to `path`; the answer decoded as `returns`, or the error it names raised."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self._send(lambda: self.http.post(path, content=body, headers=headers), resend=resend)
        if response.status_code == 200:
            try:
                return protocol.decode(response.content, returns)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("answer of %s not read: %s", name or path, exc)
                raise Unavailable(BAD_ANSWER_MESSAGE, code="bad_answer") from exc
        error = protocol.error_from(response.content)
        if error is None:
            log.error("answer %s of %s without an error body", response.status_code, name or path)
            raise Unavailable(BAD_ANSWER_MESSAGE, code="bad_answer")
        raise error

    def _send(self, send: Callable[[], httpx.Response], *, resend: bool) -> httpx.Response:
        for attempt in range(self.config.retries + 1):
            try:
                return send()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if _certificate_refused(exc):  # the same certificate again gives the same answer
                    raise Unavailable(CERTIFICATE_MESSAGE, code="server_certificate") from exc
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


def _certificate_refused(exc: BaseException) -> bool:
    """The TLS handshake failed on the server's certificate (unknown CA, wrong host name, expired)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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


class RemoteSms(SmsOutbox):
    """The simulated SMS outbox of the server, as much of it as is this desk's: what the 시뮬레이터
    panel and the signup wizard's inbox read (`outbox`, `subscribe`, `last_to`, as `SimulatedSms`).

    Nothing arrives by itself: `poll(actor)` asks the server's development endpoint once (a network
    call: the 시뮬레이터 panel runs it off the GUI thread on a timer) for the messages to the phones of
    the actor's account and company and the code of each verification this desk started
    (`RemoteIdentity` names them, `watch`), and hands the new ones to the listeners, on the polling
    thread. `available` is None until `probe()` asked: False on a server without development
    endpoints (production), where nothing is ever shown."""

    #: a verification request is asked for this long (its code is valid for 3 minutes)
    WATCH_S = 4 * 60.0

    def __init__(self, transport: Transport):
        super().__init__()
        self._transport = transport
        self._seen: set[int] = set()
        self._after = -1
        self._requests: dict[str, float] = {}  # request id -> when to stop asking (monotonic)
        self._ended: set[str] = set()  # session tokens the server refused: not sent again
        self.available: bool | None = None

    # --- polling -------------------------------------------------------------------------------
    def watch(self, request_id: str) -> None:
        """Ask for the code of this verification request (started by this desk) from now on."""
        with self._lock:
            self._requests[request_id] = time.monotonic() + self.WATCH_S

    def wants_poll(self, actor: Actor | None) -> bool:
        """A poll could bring something: the endpoint exists, and a session or a request is out."""
        if self.available is not True:
            return False
        if self._token(actor) is not None:
            return True
        now = time.monotonic()
        with self._lock:
            return any(until > now for until in self._requests.values())

    def probe(self) -> bool:
        """Ask once whether the server serves the simulated SMS (a development server)."""
        try:
            self._ask(None, [])
            self.available = True
        except DomainError as exc:
            if exc.code != "not_found":
                raise
            self.available = False
        return self.available

    def poll(self, actor: Actor | None = None) -> int:
        """One question to the server; the new messages go to the outbox and the listeners.
        Returns how many came."""
        now = time.monotonic()
        with self._lock:
            self._requests = {r: until for r, until in self._requests.items() if until > now}
            requests = list(self._requests)[-wire.MAX_POLLED_REQUESTS:]
        token = self._token(actor)
        try:
            page = self._ask(token, requests)
        except SessionInvalid:
            # the session ended (expiry, logout or a lock on another desk): the messages of its
            # phones are not asked for again; a verification's code still is, without the token
            if token is not None:
                with self._lock:
                    self._ended.add(token)
            raise
        fresh: list[SmsMessage] = []
        with self._lock:
            self._after = max(self._after, page.last)
            for m in sorted(page.messages, key=lambda m: m.seq):
                if m.seq in self._seen:
                    continue
                self._seen.add(m.seq)
                fresh.append(SmsMessage(phone=m.phone, text=m.text, sent_at=m.sent_at))
            self._record(fresh)
        self._tell(fresh)
        return len(fresh)

    def _token(self, actor: Actor | None) -> str | None:
        """The actor's session token, unless it is missing or the server has refused it."""
        token = getattr(actor, "token", None)
        if not isinstance(token, str) or not token:
            return None
        with self._lock:
            return None if token in self._ended else token

    def _ask(self, token: str | None, requests: list[str]) -> wire.DevSmsPage:
        try:
            page = self._transport.post(wire.DEV_SMS, protocol.encode(wire.DevSmsBody(after=self._after,
                                                                                      requests=requests)),
                                        token, wire.DevSmsPage, resend=True, name="dev.sms")
        except DomainError as exc:
            if exc.code == "not_found":
                self.available = False
            raise
        return page


class RemoteIdentity:
    """The server's identity provider (본인인증) with the methods the phone verification box uses
    (`services.gateways.identity.IdentityVerifier`'s start, confirm and expires_at); the token it
    returns is checked by the server's signup service. `check` and `redeem` are the server's own."""

    def __init__(self, transport: Transport, sms: RemoteSms | None = None):
        self._transport = transport
        self._sms = sms
        self._lock = threading.Lock()
        self._expiry: dict[str, datetime | None] = {}

    def start(self, name: str, phone: str) -> str:
        """Send a code (never sent again by the client: a lost answer may have sent one)."""
        started = self._transport.post(wire.IDENTITY_START, protocol.encode({"name": name, "phone": phone}), None,
                                       wire.IdentityStarted, resend=False, name="identity.start")
        with self._lock:
            self._expiry[started.request_id] = started.expires_at
        if self._sms is not None:
            self._sms.watch(started.request_id)
        return started.request_id

    def confirm(self, request_id: str, code: str) -> VerifiedIdentity:
        return self._transport.post(wire.IDENTITY_CONFIRM, protocol.encode({"request_id": request_id, "code": code}),
                                    None, VerifiedIdentity, resend=False, name="identity.confirm")

    def expires_at(self, request_id: str) -> datetime | None:
        """When the code of `request_id` stops being accepted (told by `start`, else asked)."""
        with self._lock:
            if request_id in self._expiry:
                return self._expiry[request_id]
        return self._transport.post(wire.IDENTITY_EXPIRES_AT, protocol.encode({"request_id": request_id}), None,
                                    wire.IdentityExpiry, resend=True, name="identity.expires_at").expires_at


class RemoteServices:
    """What `build_services` gives, for a desk whose shared store is a programme server.

    Besides the twelve services: the server's clock (`clock`, synced by GET /api/v1/time), its
    identity provider (`identity`) and, on a development server, its simulated SMS (`sms`). The card
    and ZeroPay simulators run inside the server; their fault setting is not offered to a desk
    (`cards` and `zeropay` are None, docs/decisions.md)."""

    cards = None
    zeropay = None

    def __init__(self, transport: Transport):
        self.transport = transport
        self.url = transport.url
        for name in protocol.SERVICE_NAMES:
            setattr(self, name, RemoteService(transport, name))
        self.clock = ServerSyncedClock(self.server_now)
        self.sms = RemoteSms(transport)
        self.identity = RemoteIdentity(transport, self.sms)
        self._lock = threading.Lock()

    def server_now(self) -> datetime:
        return protocol.decode(self.transport.get(f"{protocol.API_PREFIX}/time"), _Now).now

    def dispose(self) -> None:
        self.transport.close()


class _Now(msgspec.Struct):
    now: datetime


class _Health(msgspec.Struct):
    ok: bool


def connect(url: str, *, ca_file: str | Path | None = None, config: ClientConfig = ClientConfig(),
            http: httpx.Client | None = None) -> RemoteServices:
    """A desk's services on the programme server at `url` (its clock synced to the server's; whether
    it serves the simulated SMS asked once)."""
    services = RemoteServices(Transport(url, ca_file=ca_file, config=config, http=http))
    try:
        services.clock.sync()
        services.sms.probe()
    except BaseException:
        services.dispose()
        raise
    return services


def check_server(url: str, *, ca_file: str | Path | None = None,
                 config: ClientConfig = ClientConfig(connect_timeout_s=5.0, read_timeout_s=10.0, retries=0)) -> str:
    """GET /api/v1/health of the server at `url` (with `ca_file`, a private CA): a short Korean
    description, or a DomainError (ValueError for a malformed address) with the reason in Korean."""
    transport = Transport(url, ca_file=ca_file, config=config)
    try:
        started = time.monotonic()
        response = transport._send(lambda: transport.http.get(f"{protocol.API_PREFIX}/health"), resend=True)
        elapsed_ms = (time.monotonic() - started) * 1000
        try:
            healthy = response.status_code == 200 and protocol.decode(response.content, _Health).ok
        except (msgspec.DecodeError, msgspec.ValidationError):
            healthy = False
        if not healthy:
            log.warning("health check of %s: answer %s", transport.url, response.status_code)
            raise Unavailable(NOT_A_SERVER_MESSAGE, code="not_a_server")
        return f"{host_port(transport.url)} (응답 {elapsed_ms:.0f}ms)"
    finally:
        transport.close()


def host_port(url: str) -> str:
    """`host:port` of a server address (the default port of its scheme when none is written)."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{host}:{port}"


def server_problem(exc: BaseException) -> str:
    """A Korean explanation of why a desk could not start on its server (the detail is in the log)."""
    if isinstance(exc, ValueError):  # check_url's own Korean words
        return str(exc)
    code = getattr(exc, "code", None)
    if code == "server_unreachable":
        return ("서버가 응답하지 않습니다. 주소와 포트가 맞는지, 서버가 실행 중인지, 네트워크(방화벽)를 "
                "확인해 주세요.")
    if code == "answer_lost":
        return "서버가 제시간에 응답하지 않았습니다. 잠시 후 다시 시작해 주세요."
    if isinstance(exc, DomainError):
        return exc.message
    return "알 수 없는 오류입니다. 자세한 내용은 로그 파일을 확인해 주세요."
