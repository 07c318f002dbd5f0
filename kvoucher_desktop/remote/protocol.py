"""The programme server's wire protocol: which service methods cross it, and how their arguments,
results and errors are written (SPEC §3; docs/services.md, "The HTTP API").

One endpoint per public service method: `POST /api/v1/<service>/<method>`, the arguments other than
the actor as a JSON object by parameter name, the result as JSON. The actor never travels in a
body: the caller's session token is the bearer token, and the server takes the Actor from its
session. Both sides build the same table from the service classes' own signatures and type hints,
so a method the services gain crosses the wire without a line here, and both sides agree on every
type: msgspec decodes by the declared types (a UUID arrives as a UUID, a page's rows as the same
frozen dataclasses, a cursor as its typed tuple), and its JSON Schema of the same types is the
OpenAPI document's.

Neither Litestar nor httpx is imported here: the server (`kvoucher_desktop.server`) and the client
(`remote.client`) each bring their own.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import msgspec

from ..services import errors
from ..services.changes import Changes, Entity
from ..services.errors import DomainError

API_PREFIX = "/api/v1"

#: the services of `Services` that cross the wire, by attribute name (registry.build_services)
SERVICE_NAMES = ("accounts", "programme", "signup", "companies", "screening", "audit", "catalog",
                 "vouchers", "deals", "payments", "statistics", "evaluations")

#: methods the server runs itself (its start-up, its timers) and never serves
SERVER_ONLY = frozenset({
    ("programme", "ensure_defaults"),  # at start-up
    ("deals", "sweep"),                # a timer: deals past their deadline lapse
    ("payments", "reconcile"),         # a timer: attempts whose answer was lost
    ("audit", "seal"),                 # a timer: checkpoints of the audit chain
    ("audit", "verify_unchecked"),     # the server's own `--verify-audit`
    ("audit", "records_unchecked"),    # tests and scripts on the store itself
})

#: parameters that stay on the caller's side: a progress callback and a cancel test run on the
#: desk (the client calls them around the request), a local file stays local
LOCAL_PARAMETERS = frozenset({"progress", "cancelled", "anchor_file"})

#: a parameter whose declared type JSON cannot tell apart (a UUID or a text): sent as text, which
#: the service takes as well
WIRE_TYPES: dict[tuple[str, str, str], Any] = {
    ("audit", "records", "entity_id"): str | None,
}

#: a time in a request (a page cursor's) carries its offset: the services refuse a naive one, and
#: so the document says `date-time` (RFC 3339, offset required) instead of any string
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]

#: how many bytes a request body may have: a document of 10 MB (SPEC §9) in base64, with room
MAX_BODY_BYTES = 14 * 1024 * 1024

#: the HTTP status of each domain error class (the nearest ancestor listed counts)
STATUS_OF: dict[type[DomainError], int] = {
    errors.ValidationError: 422,
    errors.VerificationError: 422,
    errors.SettingsError: 422,
    errors.SignupRefused: 409,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.InvalidTransition: 409,
    errors.Conflict: 409,
    errors.AccountLocked: 423,
    errors.AuthenticationError: 401,
    errors.Unavailable: 503,
    errors.DomainError: 400,
}

#: the error classes a response may name, by name (nothing else is ever instantiated from a body)
ERROR_CLASSES: dict[str, type[DomainError]] = {
    cls.__name__: cls for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, DomainError)
}

BAD_REQUEST_MESSAGE = "요청 내용이 올바르지 않습니다."
NOT_FOUND_MESSAGE = "없는 주소입니다."
TOO_LARGE_MESSAGE = "보내는 내용이 너무 큽니다. 문서는 10MB까지 올릴 수 있습니다."
SERVER_ERROR_MESSAGE = "서버에서 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요."
RATE_LIMITED_MESSAGE = "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요."


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


# --- values on the wire ------------------------------------------------------------------------
def _id_text(value: Any) -> str:
    """An id of a `Changes` entry as text that says its type: a UUID as itself, a code as `s:…`,
    a number (a programme year) as `i:…`."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bool):
        raise TypeError(f"a change id cannot be {value!r}")
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, str):
        return f"s:{value}"
    raise TypeError(f"a change id cannot be {type(value).__name__}")


def _id_value(text: str) -> Any:
    if text.startswith("s:"):
        return text[2:]
    if text.startswith("i:"):
        return int(text[2:])
    return uuid.UUID(text)


def enc_hook(obj: Any) -> Any:
    if isinstance(obj, Changes):
        return {kind.value: sorted(_id_text(i) for i in ids) for kind, ids in obj.items()}
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):  # any mapping a caller hands (the services take any)
        return dict(obj)
    if isinstance(obj, Sequence) and not isinstance(obj, (str, bytes)):
        return list(obj)
    raise NotImplementedError(f"{type(obj).__name__} does not cross the wire")


def dec_hook(kind: type, obj: Any) -> Any:
    if kind is Changes:
        if not isinstance(obj, dict) or not all(isinstance(v, list) for v in obj.values()):
            raise ValueError("changes must be an object of lists")
        return Changes({Entity(k): [_id_value(v) for v in ids] for k, ids in obj.items()})
    raise NotImplementedError(f"{kind!r} does not cross the wire")


def schema_hook(kind: type) -> dict:
    if kind is Changes:
        return {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "what changed: entity kind → ids (a UUID; s:code; i:number)"}
    raise NotImplementedError(f"{kind!r} has no schema")


ENCODER = msgspec.json.Encoder(enc_hook=enc_hook)


def encode(value: Any) -> bytes:
    return ENCODER.encode(value)


def decode(data: bytes, kind: Any) -> Any:
    return msgspec.json.decode(data, type=kind, dec_hook=dec_hook)


# --- the method table ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Parameter:
    name: str
    kind: Any  # the type on the wire
    required: bool
    default: Any


@dataclass(frozen=True)
class Method:
    service: str
    name: str
    #: "required": a session's bearer token must come; "optional": without one the actor is None
    #: (the catalog before login); None: the method takes no actor (login, signup, public lists)
    actor: str | None
    parameters: tuple[Parameter, ...]
    returns: Any
    #: the body's type: a msgspec Struct of the parameters (unknown fields refused)
    body: type
    #: the parameters of the service method that stay on the desk (progress, cancelled, a file)
    local: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{API_PREFIX}/{self.service}/{self.name}"

    @property
    def operation_id(self) -> str:
        return f"{self.service}.{self.name}"

    def arguments(self, body: Any) -> dict[str, Any]:
        """The decoded body as keyword arguments of the service method."""
        return {p.name: getattr(body, p.name) for p in self.parameters}


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"_+", text))


def _service_classes() -> dict[str, type]:
    from ..services.accounts import AccountService
    from ..services.audit import AuditService
    from ..services.catalog import CatalogService
    from ..services.companies import CompanyService
    from ..services.deals import DealService
    from ..services.evaluations import EvaluationService
    from ..services.payments import PaymentService
    from ..services.programme import ProgrammeService
    from ..services.screening import ScreeningService
    from ..services.signup import SignupService
    from ..services.statistics import StatisticsService
    from ..services.vouchers import VoucherService

    return {"accounts": AccountService, "programme": ProgrammeService, "signup": SignupService,
            "companies": CompanyService, "screening": ScreeningService, "audit": AuditService,
            "catalog": CatalogService, "vouchers": VoucherService, "deals": DealService,
            "payments": PaymentService, "statistics": StatisticsService, "evaluations": EvaluationService}


def _aware(kind: Any) -> Any:
    """`kind` with each `datetime` in it (a tuple's, an optional's) an `AwareDatetime`."""
    if kind is datetime:
        return AwareDatetime
    args, origin = typing.get_args(kind), typing.get_origin(kind)
    if not args or origin is None or origin is Annotated:
        return kind
    aware = tuple(_aware(a) for a in args)
    if aware == args:
        return kind
    return typing.Union[aware] if origin in (typing.Union, types.UnionType) else origin[aware]


def _method(service: str, name: str, fn: Callable) -> Method:
    hints = typing.get_type_hints(fn)
    params = list(inspect.signature(fn).parameters.values())[1:]  # without self
    actor = None
    if params and params[0].name == "actor":
        first = params.pop(0)
        accepts_none = first.default is None or type(None) in typing.get_args(hints.get("actor"))
        actor = "optional" if accepts_none else "required"
    wire, local, fields = [], [], []
    for p in params:
        if p.name in LOCAL_PARAMETERS:
            local.append(p.name)
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{service}.{name}: *args and **kwargs do not cross the wire")
        kind = WIRE_TYPES.get((service, name, p.name), _aware(hints.get(p.name, Any)))
        required = p.default is p.empty
        wire.append(Parameter(p.name, kind, required, None if required else p.default))
        fields.append((p.name, kind) if required else (p.name, kind, p.default))
    body = msgspec.defstruct(f"{_camel(service)}{_camel(name)}Body", fields, kw_only=True,
                             forbid_unknown_fields=True, module=__name__)
    return Method(service, name, actor, tuple(wire), hints.get("return", Any), body, tuple(local))


@cache
def methods() -> dict[tuple[str, str], Method]:
    """Every method that crosses the wire, by (service, method)."""
    table = {}
    for service, cls in _service_classes().items():
        for name in sorted(dir(cls)):
            fn = getattr(cls, name)
            if name.startswith("_") or not inspect.isfunction(fn) or (service, name) in SERVER_ONLY:
                continue
            table[(service, name)] = _method(service, name, fn)
    return table


# --- errors on the wire --------------------------------------------------------------------------
class ErrorBody(msgspec.Struct, kw_only=True):
    """What every 4xx and 5xx answer carries: the error's class, code, Korean message and field,
    and (a refusal after a partial change) what had been committed before."""

    type: str
    code: str
    message: str
    field: str | None = None
    changes: Changes | None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody


def error_body(exc: DomainError) -> bytes:
    changes = exc.changes if isinstance(exc.changes, Changes) else None
    return encode(ErrorEnvelope(ErrorBody(type=type(exc).__name__, code=exc.code, message=exc.message,
                                          field=exc.field, changes=changes)))


def plain_error(kind: str, code: str, message: str, field: str | None = None) -> bytes:
    """An error answer that is no domain error (a malformed body, an unknown address)."""
    return encode(ErrorEnvelope(ErrorBody(type=kind, code=code, message=message, field=field)))


def error_from(data: bytes) -> DomainError | None:
    """The domain error an error answer names, rebuilt as the same class (None if it names none)."""
    try:
        body = decode(data, ErrorEnvelope).error
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return None
    cls = ERROR_CLASSES.get(body.type, DomainError)
    exc = cls.__new__(cls)
    DomainError.__init__(exc, body.message, code=body.code, field=body.field, changes=body.changes)
    return exc


def bad_request_message(exc: Exception) -> tuple[str, str | None]:
    """A Korean message for a body msgspec refused, and the field it names (`$.limit` → limit)."""
    text = str(exc)
    found = re.search(r"\$\.([A-Za-z_][A-Za-z0-9_]*)", text)
    field = found.group(1) if found else None
    if "Object contains unknown field" in text:
        found = re.search(r"unknown field `([^`]*)`", text)
        return "이 요청에서 받지 않는 항목이 있습니다.", found.group(1) if found else None
    if "missing required field" in text:
        found = re.search(r"required field `([^`]*)`", text)
        return "꼭 필요한 항목이 빠졌습니다.", found.group(1) if found else None
    if field:
        return "항목의 형식이 올바르지 않습니다.", field
    return BAD_REQUEST_MESSAGE, None
