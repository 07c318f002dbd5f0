"""The wire protocol: every method's body and result survive a trip through JSON as the same
values of the same types (remote/protocol.py), and errors come back as the same classes."""

from __future__ import annotations

import typing
import uuid
from datetime import datetime, timezone

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvoucher_desktop.remote import protocol
from kvoucher_desktop.services import errors
from kvoucher_desktop.services.changes import Changes, Done, Entity
from kvoucher_desktop.services.dto import Page

#: a mean rating, a share: finite numbers (JSON has no NaN or infinity, and no DTO holds one)
st.register_type_strategy(float, st.floats(allow_nan=False, allow_infinity=False))
#: the services' times are aware UTC (a cursor's time must say its offset on the wire)
st.register_type_strategy(datetime, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                                                 timezones=st.just(timezone.utc)))
_ids = st.one_of(st.uuids(), st.text(max_size=12), st.integers(min_value=-10**12, max_value=10**12))
st.register_type_strategy(Changes, st.dictionaries(st.sampled_from(list(Entity)), st.frozensets(_ids, max_size=3),
                                                   max_size=4).map(Changes))
st.register_type_strategy(Done, lambda done: st.builds(Done, st.from_type(typing.get_args(done)[0]),
                                                       st.from_type(Changes)))
st.register_type_strategy(Page, lambda page: st.builds(
    Page, st.lists(st.from_type(typing.get_args(page)[0]), max_size=3).map(tuple),
    st.none() | st.from_type(typing.get_args(page)[1])))

METHODS = sorted(protocol.methods().values(), key=lambda m: m.operation_id)
#: the types that cross the wire, each once: results and bodies
TYPES = {}
for _m in METHODS:
    TYPES.setdefault(repr(_m.returns), _m.returns)
    TYPES.setdefault(_m.body.__name__, _m.body)


def test_every_public_service_method_crosses_the_wire_but_the_servers_own_jobs():
    from kvoucher_desktop.services.sessions import gated_methods

    served = {(m.service, m.name) for m in METHODS}
    for service, cls in protocol._service_classes().items():
        public = {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}
        assert {n for s, n in served if s == service} == public - {n for s, n in protocol.SERVER_ONLY if s == service}
        for name, (accepts_none, _ended_ok) in gated_methods(cls.__new__(cls)).items():
            if (service, name) in served:
                assert protocol.methods()[(service, name)].actor == ("optional" if accepts_none else "required")


@pytest.mark.parametrize("kind", list(TYPES.values()), ids=list(TYPES))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_a_value_comes_back_as_the_same_value(kind, data):
    value = data.draw(st.from_type(kind))
    assert protocol.decode(protocol.encode(value), kind) == value


def test_change_ids_keep_their_type():
    changes = Changes({Entity.DEAL: [uuid.UUID(int=7)], Entity.CATEGORY: ["VIDEO"], Entity.SETTINGS: [2026],
                       Entity.ACCOUNT: ["s:looks-tagged", "i:3"]})
    back = protocol.decode(protocol.encode(changes), Changes)
    assert back == changes
    assert back[Entity.SETTINGS] == frozenset({2026}) and back[Entity.CATEGORY] == frozenset({"VIDEO"})


@pytest.mark.parametrize("cls", sorted(protocol.ERROR_CLASSES.values(), key=lambda c: c.__name__),
                         ids=lambda c: c.__name__)
def test_a_domain_error_comes_back_as_the_same_class_with_its_message_code_and_field(cls):
    sent = cls("금액이 남은 예산보다 큽니다.", code="over_budget", field="amount",
               changes=Changes.of(Entity.DEAL, uuid.UUID(int=1)))
    back = protocol.error_from(protocol.error_body(sent))
    assert type(back) is cls
    assert (back.message, back.code, back.field, back.changes) == (sent.message, "over_budget", "amount", sent.changes)
    assert str(back) == sent.message


def test_an_error_body_naming_no_error_class_gives_a_plain_domain_error_never_another_class():
    body = protocol.plain_error("SystemExit", "x", "알 수 없는 오류")
    back = protocol.error_from(body)
    assert type(back) is errors.DomainError and back.message == "알 수 없는 오류"
    assert protocol.error_from(b"<html>") is None


def test_a_body_with_an_unknown_field_or_a_wrong_type_is_refused_by_name():
    method = protocol.methods()[("companies", "get")]
    with pytest.raises(msgspec.ValidationError) as unknown:
        protocol.decode(b'{"company_id": null, "actor": {"role": "AGENCY"}}', method.body)
    assert protocol.bad_request_message(unknown.value) == ("이 요청에서 받지 않는 항목이 있습니다.", "actor")
    with pytest.raises(msgspec.ValidationError) as wrong:
        protocol.decode(b'{"company_id": "not-a-uuid"}', method.body)
    assert protocol.bad_request_message(wrong.value)[1] == "company_id"
