"""Catalog search, service registration, wishlists and inquiries, on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata

import pytest

from kvoucher_desktop.services.dto import ServiceForm
from kvoucher_desktop.services.errors import NotFound, PermissionDenied, ValidationError
from kvoucher_desktop.services.sample_files import sample_png

from tests.factories import approved_buyer, make_agency, make_operator, make_service, make_supplier_account

PNG = sample_png(rgb=(30, 120, 90))


@pytest.fixture
def shelf(services):
    """Six services of three suppliers, chosen so that each query below has one exact answer set."""
    alpha = make_supplier_account(services, name="(주)알파소프트")
    beta = make_supplier_account(services, name="베타 시큐리티")
    gamma = make_supplier_account(services, name="감마에듀")
    made = {
        "zoom": make_service(services, alpha, name="Zoom 화상회의 프로", category="VIDEO", keywords="화상, 웨비나, 원격회의"),
        "meet": make_service(services, alpha, name="클라우드 미팅룸", category="VIDEO", keywords="화상회의, 녹화"),
        "vpn": make_service(services, beta, name="제로트러스트 VPN", category="NETWORK_SECURITY",
                            keywords="보안, 원격접속, VPN"),
        "guard": make_service(services, beta, name="엔드포인트 보안 관제", category="NETWORK_SECURITY",
                              keywords="백신, 관제"),
        "class": make_service(services, gamma, name="실시간 온라인 강의실", category="EDUTECH", keywords="이러닝, 화면공유"),
        "hidden": make_service(services, gamma, name="화상 코딩 교실", category="EDUTECH", keywords="화상", hidden=True),
    }
    return {k: v.id for k, v in made.items()}


def found(services, query, category=None, actor=None):
    ids = set()
    cursor = None
    while True:
        page = services.catalog.search(actor, query, category, cursor, limit=2)
        ids |= {r.id for r in page.rows}
        cursor = page.next_cursor
        if cursor is None:
            return ids


@pytest.mark.parametrize("query, expected", [
    ("화", {"zoom", "meet", "class"}),  # one syllable (화상, 화면공유)
    ("보", {"vpn", "guard"}),
    ("화상", {"zoom", "meet"}),  # two syllables: name of one, keyword of the other
    ("보안", {"vpn", "guard"}),
    ("강의", {"class"}),
    ("화상회의", {"zoom", "meet"}),  # three and more
    ("온라인강의실", {"class"}),  # spaces in the name do not matter
    ("실시간 강의", {"class"}),  # every word must occur
    ("화상 녹화", {"meet"}),
    ("zoom", {"zoom"}),  # Latin, any case
    ("ZOOM 회의", {"zoom"}),
    ("vpn", {"vpn"}),
    ("  보안   관제  ", {"guard"}),
    ("알파", {"zoom", "meet"}),  # supplier name
    ("시큐리티", {"vpn", "guard"}),
    ("(주)", {"zoom", "meet"}),
    ("에듀 이러닝", {"class"}),
    ("화상 VPN", set()),
    ("없는서비스", set()),
    ("%", set()),  # LIKE wildcards are literal
    ("_", set()),
])
def test_search(services, shelf, query, expected):
    assert found(services, query) == {shelf[k] for k in expected}
    assert services.catalog.count(None, query) == len(expected)


def test_search_with_decomposed_hangul(services, shelf):
    """macOS may hand over NFD jamo; it must find the same as the composed text."""
    assert found(services, unicodedata.normalize("NFD", "화상")) == {shelf["zoom"], shelf["meet"]}


def test_empty_query_lists_everything_visible_by_category(services, shelf):
    assert found(services, "") == {v for k, v in shelf.items() if k != "hidden"}
    assert found(services, "", "NETWORK_SECURITY") == {shelf["vpn"], shelf["guard"]}
    assert found(services, "화상", "EDUTECH") == set()
    assert services.catalog.category_counts() == {"VIDEO": 2, "NETWORK_SECURITY": 2, "EDUTECH": 1}
    assert services.catalog.category_counts("화") == {"VIDEO": 2, "EDUTECH": 1}  # the chips follow the query


@pytest.mark.parametrize("points,count", [(1000, 3), (2000, 3), (1250, 4), (45000, 100), (499, 1), (12345, 67)])
def test_a_list_rows_rating_is_the_one_its_detail_shows(services, shelf, points, count):
    """The list computes the mean rating in the store (floating point, as Python divides the two
    integers) and rounds it as the detail's `service_row` does — also for awkward fractions."""
    from sqlalchemy import update

    from kvoucher_desktop.models import Service

    with services.engine.begin() as conn:
        conn.execute(update(Service).where(Service.id == shelf["zoom"])
                     .values(rating_points=points, rating_count=count))
    row = services.catalog.search(None, "zoom").rows[0]
    assert row.rating == round(points / count / 100, 2)
    assert row == services.catalog.detail(None, shelf["zoom"]).service
    assert type(row.rating) is float and row.rating_count == count


def test_search_rows_carry_what_the_table_shows(services, shelf):
    row = services.catalog.search(None, "zoom").rows[0]
    assert (row.name, row.category_name, row.supplier_name, row.price, row.rating, row.rating_count) == \
        ("Zoom 화상회의 프로", "화상회의", "(주)알파소프트", 1_100_000, None, 0)
    assert row.keywords == ("화상", "웨비나", "원격회의")


def test_edits_are_searchable_at_once(services, shelf):
    supplier = make_supplier_account(services, name="델타랩")
    row = make_service(services, supplier, name="전자결재 시스템", category="REMOTE_WORK")
    assert found(services, "결재") == {row.id}
    services.catalog.save_service(supplier, ServiceForm("전자계약 시스템", "REMOTE_WORK", "계약, 서명", 990_000),
                                  row.id)
    assert found(services, "결재") == set()
    assert found(services, "서명") == {row.id}


def test_hidden_services(services, shelf):
    gamma = services.catalog.detail(None, shelf["class"]).supplier
    with pytest.raises(NotFound):
        services.catalog.detail(None, shelf["hidden"])
    buyer, _ = approved_buyer(services)
    with pytest.raises(NotFound):
        services.catalog.detail(buyer, shelf["hidden"])
    # the agency hides a public service: gone from search and detail for others
    agency = make_agency(services)
    services.catalog.set_hidden_by_agency(agency, shelf["vpn"], True, "허위 광고 확인 중")
    assert found(services, "vpn") == set()
    assert services.catalog.detail(agency, shelf["vpn"]).service.hidden_by_agency
    with pytest.raises(PermissionDenied):
        services.catalog.set_hidden_by_agency(buyer, shelf["vpn"], False)
    services.catalog.set_hidden_by_agency(agency, shelf["vpn"], False)
    assert found(services, "vpn") == {shelf["vpn"]}
    assert gamma.name == "감마에듀"


def test_detail_shows_the_supplier_and_its_other_services(services, shelf):
    detail = services.catalog.detail(None, shelf["zoom"])
    assert detail.supplier.name == "(주)알파소프트" and detail.supplier.phone
    assert [s.id for s in detail.other_services] == [shelf["meet"]]
    assert not detail.can_request_deal and "로그인" in detail.request_refusal
    buyer, _ = approved_buyer(services)
    detail = services.catalog.detail(buyer, shelf["zoom"])
    assert detail.can_request_deal and detail.request_refusal is None and not detail.wished


# --- registration -------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, field", [
    ({"name": "  "}, "name"),
    ({"category_code": "NOPE"}, "category_code"),
    ({"price": 0}, "price"),
    ({"price": -1}, "price"),
    ({"price": 10.5}, "price"),
    ({"price": 2_000_000_000}, "price"),
    ({"keywords": ",".join(f"키워드{i}" for i in range(21))}, "keywords"),
    ({"image": b"GIF89a...."}, "image"),
    ({"description": "가" * 5001}, "description"),
])
def test_service_form_is_checked(services, change, field):
    supplier = make_supplier_account(services)
    form = ServiceForm("원격 근무 솔루션", "REMOTE_WORK", "협업, 메신저", 1_000_000)
    with pytest.raises(ValidationError) as err:
        services.catalog.save_service(supplier, ServiceForm(**{**form.__dict__, **change}))
    assert err.value.field == field
    assert services.catalog.supplier_services(supplier) == []


def test_only_the_owner_supplier_edits(services, shelf):
    other = make_supplier_account(services)
    form = ServiceForm("남의 서비스", "VIDEO", "", 1000)
    with pytest.raises(PermissionDenied):
        services.catalog.save_service(other, form, shelf["zoom"])
    buyer, _ = approved_buyer(services)
    for actor in (buyer, make_operator(services), make_agency(services)):
        with pytest.raises(PermissionDenied):
            services.catalog.save_service(actor, form)


def test_image_is_stored_and_served(services):
    supplier = make_supplier_account(services)
    row = services.catalog.save_service(supplier, ServiceForm("이미지 서비스", "CARE", "", 50_000, image=PNG)).value
    assert services.catalog.image(None, row.id) == PNG
    assert services.catalog.detail(None, row.id).image_type == "image/png"
    services.catalog.save_service(supplier, ServiceForm("이미지 서비스", "CARE", "", 50_000), row.id)
    assert services.catalog.image(None, row.id) == PNG  # None keeps the image
    services.catalog.save_service(supplier, ServiceForm("이미지 서비스", "CARE", "", 50_000, remove_image=True), row.id)
    assert services.catalog.image(None, row.id) is None


def test_supplier_list_counts_open_deals_and_unanswered_inquiries(services, shelf):
    alpha_zoom = services.catalog.detail(None, shelf["zoom"]).supplier
    buyer, _ = approved_buyer(services)
    other, _ = approved_buyer(services)
    from tests.factories import actor_of_supplier

    alpha = actor_of_supplier(services, alpha_zoom.id)
    services.deals.request(buyer, shelf["zoom"], "상담 요청")
    deal = services.deals.request(other, shelf["zoom"], "상담 요청").value
    services.deals.reject(alpha, deal.id, "불가")
    q1 = services.catalog.ask(buyer, shelf["zoom"], "몇 명까지 쓸 수 있나요?").value
    services.catalog.ask(other, shelf["meet"], "녹화 파일은 얼마나 보관하나요?")
    rows = {r.service.id: r for r in services.catalog.supplier_services(alpha)}
    assert (rows[shelf["zoom"]].open_deals, rows[shelf["zoom"]].unanswered_inquiries) == (1, 1)
    assert (rows[shelf["meet"]].open_deals, rows[shelf["meet"]].unanswered_inquiries) == (0, 1)
    services.catalog.answer(alpha, q1.id, "최대 100명까지 가능합니다.")
    rows = {r.service.id: r for r in services.catalog.supplier_services(alpha)}
    assert rows[shelf["zoom"]].unanswered_inquiries == 0
    assert set(rows) == {shelf["zoom"], shelf["meet"]}


# --- wishlist and inquiries -----------------------------------------------------------------------------
def test_wishlist(services, shelf):
    buyer, _ = approved_buyer(services)
    services.catalog.set_wished(buyer, shelf["zoom"], True)
    services.clock.advance(minutes=1)
    services.catalog.set_wished(buyer, shelf["vpn"], True)
    services.catalog.set_wished(buyer, shelf["vpn"], True)  # twice is once
    assert [r.id for r in services.catalog.wishlist(buyer)] == [shelf["vpn"], shelf["zoom"]]
    assert services.catalog.detail(buyer, shelf["vpn"]).wished
    services.catalog.set_wished(buyer, shelf["zoom"], False)
    assert [r.id for r in services.catalog.wishlist(buyer)] == [shelf["vpn"]]
    other, _ = approved_buyer(services)
    assert services.catalog.wishlist(other) == []
    with pytest.raises(PermissionDenied):
        services.catalog.set_wished(make_supplier_account(services), shelf["zoom"], True)
    with pytest.raises(NotFound):
        services.catalog.set_wished(buyer, shelf["hidden"], True)


def test_inquiry_visibility(services, shelf):
    from tests.factories import actor_of_supplier

    buyer, _ = approved_buyer(services)
    other, _ = approved_buyer(services)
    alpha = actor_of_supplier(services, services.catalog.detail(None, shelf["zoom"]).supplier.id)
    beta = actor_of_supplier(services, services.catalog.detail(None, shelf["vpn"]).supplier.id)
    mine = services.catalog.ask(buyer, shelf["zoom"], "교육 기관도 쓸 수 있나요?").value
    theirs = services.catalog.ask(other, shelf["zoom"], "설치가 필요한가요?").value
    with pytest.raises(ValidationError):
        services.catalog.ask(buyer, shelf["zoom"], "   ")
    with pytest.raises(PermissionDenied):
        services.catalog.ask(alpha, shelf["zoom"], "공급기업은 문의할 수 없습니다")
    assert [q.id for q in services.catalog.inquiries(buyer, shelf["zoom"])] == [mine.id]
    assert [q.id for q in services.catalog.inquiries(other, shelf["zoom"])] == [theirs.id]
    assert {q.id for q in services.catalog.inquiries(alpha, shelf["zoom"])} == {mine.id, theirs.id}
    assert services.catalog.inquiries(beta, shelf["zoom"]) == []
    assert services.catalog.inquiries(None, shelf["zoom"]) == []
    assert services.catalog.inquiries(make_operator(services), shelf["zoom"]) == []
    assert {q.id for q in services.catalog.inquiries(make_agency(services), shelf["zoom"])} == {mine.id, theirs.id}
    assert [q.id for q in services.catalog.my_inquiries(buyer)] == [mine.id]
    assert [q.id for q in services.catalog.my_inquiries(alpha, unanswered_only=True)] in \
        ([theirs.id, mine.id], [mine.id, theirs.id])
    with pytest.raises(PermissionDenied):
        services.catalog.answer(beta, mine.id, "남의 문의")
    with pytest.raises(ValidationError):
        services.catalog.answer(alpha, mine.id, "")
    answered = services.catalog.answer(alpha, mine.id, "네, 교육 기관도 쓸 수 있습니다.").value
    assert answered.answered_by_name and answered.answer.startswith("네")
    assert services.catalog.inquiries(buyer, shelf["zoom"])[0].answer == "네, 교육 기관도 쓸 수 있습니다."
    assert [q.id for q in services.catalog.my_inquiries(alpha, unanswered_only=True)] == [theirs.id]
    assert [q.id for q in services.catalog.my_inquiries(alpha)] == [theirs.id, mine.id]  # unanswered first


def test_open_deal_shows_on_the_detail_page(services, shelf):
    buyer, _ = approved_buyer(services)
    deal = services.deals.request(buyer, shelf["zoom"], "상담").value
    detail = services.catalog.detail(buyer, shelf["zoom"])
    assert detail.open_deal_id == deal.id and not detail.can_request_deal
    assert "진행 중인 거래" in detail.request_refusal



def test_two_desks_saving_one_service(services):
    """Another desk saves the service between this desk's read and write: the version column
    refuses the stale write with a Korean message and the other desk's save stands."""
    from sqlalchemy import event, update
    from sqlalchemy.orm import Session

    from kvoucher_desktop.models import Service
    from kvoucher_desktop.services.errors import Conflict

    supplier = make_supplier_account(services)
    row = make_service(services, supplier, name="원래 이름", price=500_000)
    other_desk = []

    def meanwhile(session, _context, _instances):
        if other_desk:
            return
        with services.engine.connect() as conn:
            conn.execute(update(Service).where(Service.id == row.id)
                         .values(price=600_000, version=Service.version + 1))
            conn.commit()
        other_desk.append("saved")

    event.listen(Session, "before_flush", meanwhile)
    try:
        with pytest.raises(Conflict, match="먼저 수정"):
            services.catalog.save_service(supplier, ServiceForm("새 이름", "VIDEO", "", 700_000), row.id)
    finally:
        event.remove(Session, "before_flush", meanwhile)
    seen = services.catalog.detail(None, row.id).service
    assert (seen.name, seen.price) == ("원래 이름", 600_000)
