"""The OpenAPI 3.1 document of the programme server, made from the same types the wire decodes
(msgspec's JSON Schema of each method's body and result): what the document says is what the
server accepts."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from . import protocol

REF = "#/components/schemas/{name}"
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _rename(schemas: Any, components: dict) -> tuple[Any, dict]:
    """Component names OpenAPI accepts (`Page[Row, tuple[…]]` → `Page_Row_tuple_…`)."""
    renames = {name: _NAME.sub("_", name).strip("_") for name in components}
    prefix = REF.format(name="")

    def fix(node):
        if isinstance(node, dict):
            return {k: (prefix + renames.get(v[len(prefix):], v[len(prefix):]) if k == "$ref" and isinstance(v, str)
                        and v.startswith(prefix) else fix(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    return fix(schemas), {renames[name]: fix(schema) for name, schema in components.items()}


def _error_responses(method: protocol.Method, error_ref: dict) -> dict:
    body = {"content": {"application/json": {"schema": error_ref}}}
    out = {"422": {"description": "입력이 올바르지 않음", **body},
           "400": {"description": "처리할 수 없는 요청", **body},
           "403": {"description": "권한 없음", **body},
           "404": {"description": "없음", **body},
           "409": {"description": "상태가 맞지 않음 / 먼저 바뀜", **body},
           "413": {"description": "본문이 너무 큼", **body}}
    # a malformed Authorization header is refused with 401 whatever the method takes
    if (method.service, method.name) == ("accounts", "login"):
        out["401"] = {"description": "아이디 또는 비밀번호가 틀림", **body}
        out["423"] = {"description": "계정 잠김", **body}
        out["429"] = {"description": "로그인 시도가 너무 많음", **body}
    elif method.actor is not None:
        out["401"] = {"description": "세션이 없거나 끝남", **body}
    else:
        out["401"] = {"description": "Authorization 헤더가 Bearer 토큰이 아님", **body}
    out["503"] = {"description": "외부 기관이 응답하지 않음 (같은 요청을 다시 보내도 안전)", **body}
    return out


def _gateway_operations(dev_endpoints: bool) -> list[tuple]:
    """(operation id, path, body type, result type, security, extra statuses) of the routes the
    server serves for the outside parties it stands in for (server/gateways.py)."""
    from ..services.gateways.identity import VerifiedIdentity
    from . import gateway_wire as wire

    anyone = [{}, {"session": []}]
    out = [
        ("identity.start", wire.IDENTITY_START, wire.IdentityStartBody, wire.IdentityStarted, anyone,
         {"429": "인증번호 요청이 너무 많음"}),
        ("identity.confirm", wire.IDENTITY_CONFIRM, wire.IdentityConfirmBody, VerifiedIdentity, anyone, {}),
        ("identity.expires_at", wire.IDENTITY_EXPIRES_AT, wire.IdentityRequestBody, wire.IdentityExpiry, anyone, {}),
    ]
    if dev_endpoints:
        out.append(("dev.sms", wire.DEV_SMS, wire.DevSmsBody, wire.DevSmsPage, anyone, {}))
    return out


def openapi_document(*, dev_endpoints: bool = False) -> dict:
    methods = list(protocol.methods().values())
    gateways = _gateway_operations(dev_endpoints)
    types = [protocol.ErrorEnvelope]
    for m in methods:
        types += [m.body, m.returns]
    for _op, _path, body, result, _security, _extra in gateways:
        types += [body, result]
    schemas, components = msgspec.json.schema_components(types, schema_hook=protocol.schema_hook,
                                                         ref_template=REF)
    schemas, components = _rename(list(schemas), components)
    error_ref = schemas[0]
    paths: dict[str, dict] = {}
    for i, m in enumerate(methods):
        body, result = schemas[1 + 2 * i], schemas[2 + 2 * i]
        operation = {
            "operationId": m.operation_id,
            "tags": [m.service],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "결과", "content": {"application/json": {"schema": result}}},
                          **_error_responses(m, error_ref)},
        }
        if m.actor == "required":
            operation["security"] = [{"session": []}]
        elif m.actor == "optional":
            operation["security"] = [{}, {"session": []}]
        else:
            operation["security"] = []
        paths[m.path] = {"post": operation}
    error_body = {"content": {"application/json": {"schema": error_ref}}}
    for j, (op, path, _body, _result, security, extra) in enumerate(gateways):
        body, result = schemas[1 + 2 * len(methods) + 2 * j], schemas[2 + 2 * len(methods) + 2 * j]
        responses = {"200": {"description": "결과", "content": {"application/json": {"schema": result}}},
                     **{code: {"description": text, **error_body} for code, text in (
                         ("422", "입력이 올바르지 않음"), ("401", "Authorization 헤더가 Bearer 토큰이 아님"),
                         ("413", "본문이 너무 큼"), *extra.items())}}
        paths[path] = {"post": {"operationId": op, "tags": [op.split(".")[0]], "security": security,
                                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                                "responses": responses}}
    paths[f"{protocol.API_PREFIX}/health"] = {"get": {"operationId": "health", "security": [], "responses": {
        "200": {"description": "서버가 응답함", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}}}}}}
    paths[f"{protocol.API_PREFIX}/time"] = {"get": {"operationId": "time", "security": [], "responses": {
        "200": {"description": "서버의 현재 시각 (UTC)", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"now": {"type": "string", "format": "date-time"}},
            "required": ["now"]}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "K-비대면 바우처 플랫폼 서버", "version": "1",
                 "description": "수요기업, 공급기업, 운영기관, 전문기관 데스크가 쓰는 서비스 API. "
                                "로그인(accounts.login)이 돌려준 세션 토큰을 Bearer 토큰으로 보냅니다."},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}}},
        "security": [{"session": []}],
    }
