"""The operator's screening dashboard: counts, filters, search and keyset paging, on both stores."""

from __future__ import annotations

import pytest

from kvoucher_desktop.enums import CompanyType, ScreeningStatus

from tests.factories import company_in_state, make_agency, make_operator, signup_company, valid_business_no

S = ScreeningStatus
MIX = {S.REVIEWING: 3, S.ON_HOLD: 2, S.CONFIRMED: 2, S.APPROVED: 1, S.REJECTED: 1}


@pytest.fixture
def world(services, clock):
    """Seoul companies in every state (MIX) plus two Busan companies."""
    seoul = make_operator(services, "서울")
    by_status = {status: [] for status in S}
    for status, count in MIX.items():
        for _ in range(count):
            clock.advance(minutes=7)
            by_status[status].append(company_in_state(services, status, operator=seoul)[1])
    busan = make_operator(services, "부산")
    busan_ids = [company_in_state(services, st, operator=busan)[1] for st in (S.REVIEWING, S.APPROVED)]
    return seoul, busan, by_status, busan_ids


def _all(services, actor, **kwargs):
    rows, cursor = [], None
    for _ in range(1000):
        page = services.screening.list_companies(actor, cursor=cursor, **kwargs)
        rows.extend(page.rows)
        cursor = page.next_cursor
        if cursor is None:
            return rows
    raise AssertionError("paging never ended")


def test_counts_per_state_in_the_jurisdiction(services, world):
    seoul, busan, _by_status, _busan_ids = world
    assert services.screening.counts(seoul) == {st: MIX.get(st, 0) for st in S}
    assert services.screening.counts(busan) == {S.REVIEWING: 1, S.ON_HOLD: 0, S.CONFIRMED: 0, S.APPROVED: 1,
                                                S.REJECTED: 0}
    agency = services.screening.counts(make_agency(services))
    assert agency[S.REVIEWING] == 4 and agency[S.APPROVED] == 2 and sum(agency.values()) == 11


def test_counts_follow_transitions(services, world):
    seoul, _busan, by_status, _ = world
    services.screening.confirm(seoul, by_status[S.REVIEWING][0])
    counts = services.screening.counts(seoul)
    assert (counts[S.REVIEWING], counts[S.CONFIRMED]) == (2, 3)


def test_status_filter(services, world):
    seoul, _busan, by_status, _ = world
    for status in S:
        rows = services.screening.list_companies(seoul, status=status).rows
        assert {r.id for r in rows} == set(by_status[status]), status
        assert all(r.status is status for r in rows)


def test_rows_are_newest_first_with_their_details(services, world):
    seoul, _busan, by_status, _ = world
    rows = services.screening.list_companies(seoul).rows
    assert [r.submitted_at for r in rows] == sorted((r.submitted_at for r in rows), reverse=True)
    newest = rows[0]
    assert newest.id == by_status[S.REJECTED][0]
    assert newest.operator_name == "서울지역 운영기관" and newest.company_type is CompanyType.SOLE
    assert len(newest.business_no) == 10 and newest.name.startswith("테스트기업")


def test_search_by_name_substring(services, clock):
    operator = make_operator(services)
    ids = {}
    for name in ("한빛소프트랩", "(주)한빛식품", "누리물산", "Green Energy", "100%상사"):
        clock.advance(minutes=1)
        ids[name] = signup_company(services, name=name).company_id

    def found(query):
        return {r.id for r in services.screening.list_companies(operator, query=query).rows}

    assert found("한빛") == {ids["한빛소프트랩"], ids["(주)한빛식품"]}
    assert found(" 물산 ") == {ids["누리물산"]}
    assert found("green") == found("GREEN") == {ids["Green Energy"]}  # the same on both stores
    assert found("%") == {ids["100%상사"]}  # LIKE wildcards are literal
    assert found("_") == set()
    assert found("없는회사") == set()
    assert found("") == set(ids.values())


def test_search_by_business_number_with_or_without_dashes(services):
    operator = make_operator(services)
    target = signup_company(services, business_no=valid_business_no(4_567_001)).company_id
    other = signup_company(services, business_no=valid_business_no(4_000_002)).company_id
    digits = valid_business_no(4_567_001)
    dashed = valid_business_no(4_567_001, dashed=True)

    def found(query):
        return {r.id for r in services.screening.list_companies(operator, query=query).rows}

    assert found(digits) == found(dashed) == found(f" {dashed} ") == {target}
    assert found(dashed[:6]) == found(digits[:5]) == {target}  # a prefix, typed with or without the dash
    assert found(digits[:3]) == {target, other}  # both start with 127
    assert found(valid_business_no(4_567_003)) == set()


def test_search_and_status_filter_combine(services, world):
    seoul, _busan, by_status, _ = world
    agency = make_agency(services)
    name = services.companies.get(agency, by_status[S.ON_HOLD][0]).info.name
    rows = services.screening.list_companies(seoul, status=S.ON_HOLD, query=name).rows
    assert [r.id for r in rows] == [by_status[S.ON_HOLD][0]]
    assert services.screening.list_companies(seoul, status=S.APPROVED, query=name).rows == ()


def test_keyset_paging_returns_every_row_once_in_order(services, clock):
    operator = make_operator(services)
    ids = []
    for i in range(23):
        if i % 4 == 0:  # several companies share a submission time: the id breaks the tie
            clock.advance(minutes=3)
        ids.append(signup_company(services).company_id)
    company_in_state(services, S.REVIEWING, region="부산")  # not in this jurisdiction

    single = services.screening.list_companies(operator, limit=1000).rows
    assert len(single) == 23 and {r.id for r in single} == set(ids)
    assert single[0].submitted_at == clock.now()
    assert [(r.submitted_at, r.id) for r in single] == sorted(((r.submitted_at, r.id) for r in single), reverse=True)

    for limit in (1, 2, 3, 5, 22, 23, 24, 100):
        pages, cursor = [], None
        while True:
            page = services.screening.list_companies(operator, cursor=cursor, limit=limit)
            assert len(page.rows) <= limit
            pages.append(page.rows)
            cursor = page.next_cursor
            if cursor is None:
                break
            assert len(page.rows) == limit
            assert len(pages) <= 23, f"paging with limit {limit} does not end"
        paged = [r.id for rows in pages for r in rows]
        assert paged == [r.id for r in single], limit
        assert len(pages) == -(-23 // limit), limit


def test_paging_with_a_status_filter(services, world):
    seoul, _busan, by_status, _ = world
    rows = _all(services, seoul, status=S.REVIEWING, limit=1)
    assert sorted(r.id for r in rows) == sorted(by_status[S.REVIEWING])
    everything = _all(services, seoul, limit=2)
    assert len(everything) == sum(MIX.values()) == len({r.id for r in everything})


# --- the name index (company_name_grams) --------------------------------------------------------
def _grams_of(services, company_id):
    from sqlalchemy import select

    from kvoucher_desktop.models import CompanyNameGram

    with services.programme.uow() as uow:
        return set(uow.session.scalars(select(CompanyNameGram.gram).where(CompanyNameGram.company_id == company_id)))


def test_the_name_index_follows_signup_and_name_edits(services):
    from dataclasses import replace

    from kvoucher_desktop.services.rules.search import name_grams

    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.ON_HOLD, operator=operator, name="새봄디자인")
    assert _grams_of(services, company_id) == name_grams("새봄디자인")

    def found(query):
        return {r.id for r in services.screening.list_companies(operator, query=query).rows}

    assert found("봄디") == found("새봄디자인") == found("자") == {company_id}
    info = services.companies.get(demand).info
    services.companies.update_info(demand, replace(info, name="도담누리 Lab"))
    assert _grams_of(services, company_id) == name_grams("도담누리 Lab")
    assert found("봄디") == found("새봄") == set()
    assert found("누리 l") == found("LAB") == found("담") == {company_id}
    services.companies.update_info(demand, replace(services.companies.get(demand).info, industry="도소매"))
    assert _grams_of(services, company_id) == name_grams("도담누리 Lab")  # other fields leave it alone


def test_name_search_is_scoped_and_pages_through_the_index(services, clock):
    seoul = make_operator(services, "서울")
    busan = make_operator(services, "부산")
    agency = make_agency(services)
    ids = []
    for i in range(7):
        if i % 3 == 0:  # shared submission times: the id breaks the tie
            clock.advance(minutes=1)
        ids.append(signup_company(services, name=f"한빛솔루션 {i}호", region="서울").company_id)
    other = signup_company(services, name="한빛솔루션 부산", region="부산").company_id
    signup_company(services, name="새봄상사", region="서울")

    everything = services.screening.list_companies(seoul, limit=1000).rows
    newest_first = [r.id for r in everything if r.id in set(ids)]
    for query in ("한", "솔루", "빛솔루션", "솔루션 "):
        for actor, expected in ((seoul, newest_first), (agency, None), (busan, [other])):
            rows = _all(services, actor, query=query, limit=2)
            got = [r.id for r in rows]
            if expected is None:
                assert set(got) == set(ids) | {other}, query
                assert got == [r.id for r in sorted(rows, key=lambda r: (r.submitted_at, r.id), reverse=True)]
            else:
                assert got == expected, (query, actor.login_id)
    assert _all(services, seoul, query="솔루션 부", limit=2) == []
    assert [r.id for r in _all(services, agency, query="솔루션 부", limit=2)] == [other]


def test_digits_match_names_and_business_numbers_in_one_order(services, clock):
    operator = make_operator(services)
    by_number = []
    for i in range(3):
        clock.advance(minutes=1)
        by_number.append(signup_company(services, business_no=valid_business_no(4_567_010 + i)).company_id)
    prefix = valid_business_no(4_567_010)[:4]
    clock.advance(minutes=1)
    by_name = signup_company(services, name=f"{prefix}상사", business_no=valid_business_no(9_100_001)).company_id
    assert not valid_business_no(9_100_001).startswith(prefix)
    rows = _all(services, operator, query=prefix, limit=1)
    assert [r.id for r in rows] == [by_name, *reversed(by_number)]
    assert [r.id for r in _all(services, operator, query=prefix)] == [by_name, *reversed(by_number)]
    nines = services.screening.list_companies(operator, query="999").rows  # no upper bound for 999…
    assert all(r.business_no.startswith("999") or "999" in r.name for r in nines)


def test_a_three_digit_prefix_pages_newest_first_through_its_index(services, clock):
    """Three digits read their numbers newest first from the (operator,) first-three-digits index
    (migration 0006), merged with the names holding them, in the dashboard's order, page by page."""
    seoul = make_operator(services, "서울")
    agency = make_agency(services)
    by_number = []
    for i in range(5):
        if i % 2 == 0:  # shared submission times: the id breaks the tie
            clock.advance(minutes=1)
        by_number.append(signup_company(services, region="서울", business_no=valid_business_no(4_000_100 + i)))
    clock.advance(minutes=1)
    by_name = signup_company(services, region="서울", name="127상사", business_no=valid_business_no(5_000_001))
    signup_company(services, region="서울", business_no=valid_business_no(5_000_002))  # 128…: neither
    clock.advance(minutes=1)
    busan = signup_company(services, region="부산", business_no=valid_business_no(4_000_200)).company_id
    ids = {a.company_id for a in (*by_number, by_name)}
    assert all(valid_business_no(4_000_100 + i).startswith("127") for i in range(5))
    assert not valid_business_no(5_000_001).startswith("127")

    everything = services.screening.list_companies(agency, limit=1000).rows  # the dashboard's order
    for actor, expected in ((seoul, [r.id for r in everything if r.id in ids]),
                            (agency, [r.id for r in everything if r.id in ids | {busan}])):
        for query in ("127", " 127 ", "1-2-7", "１２７"):  # the last two are in no name
            wanted = expected if query.strip() == "127" else [i for i in expected if i != by_name.company_id]
            for limit in (1, 2, 200):
                assert [r.id for r in _all(services, actor, query=query, limit=limit)] == wanted, (query, limit)
    assert services.screening.list_companies(seoul, query="127", status=S.APPROVED).rows == ()
    assert [r.id for r in _all(services, seoul, query="127", status=S.REVIEWING, limit=2)] == \
        [r.id for r in everything if r.id in ids]


def test_a_three_digit_prefix_is_read_from_its_index_without_a_sort(sqlite_services):
    """SQLite's planner (no ANALYZE, as the app never runs it) walks the prefix index in the page's
    order: the statement the service sends uses it and sorts nothing. (On SQLite only: PostgreSQL's
    plan depends on its statistics; tests/services/test_migrations.py checks 0006 gives it some.)"""
    from kvoucher_desktop.services.repositories.rows import observing

    services = sqlite_services
    operator = make_operator(services)
    agency = make_agency(services)
    for i in range(3):
        signup_company(services, business_no=valid_business_no(4_000_300 + i))
    seen = []

    def record(statement, parameters):
        if "substr(" in statement:
            seen.append((statement, parameters))

    with observing(record):  # list reads go to the driver directly (repositories/rows.read_into)
        services.screening.list_companies(operator, query="127")
        services.screening.list_companies(agency, query="127")
    assert len(seen) == 2
    with services.engine.connect() as conn:
        raw = conn.connection.driver_connection
        plans = [" / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
                 for sql, params in seen]
    assert "ix_companies_operator_business_no3" in plans[0] and "ix_companies_business_no3_submitted" in plans[1]
    assert not any("TEMP B-TREE" in plan for plan in plans), plans


def test_a_longer_query_takes_like_wildcards_and_the_escape_character_literally(services, clock):
    """Three or more characters are tested on the name with the query bound as a parameter: '%',
    '_' and '/' (the escape character) in it match only themselves, on both stores."""
    operator = make_operator(services)
    ids = {}
    for name in ("100%상사", "100x상사", "a/b_c 랩", "a/bxc 랩", "ab_c 랩"):
        clock.advance(minutes=1)
        ids[name] = signup_company(services, name=name).company_id

    def found(query):
        return {r.id for r in services.screening.list_companies(operator, query=query).rows}

    assert found("0%상") == {ids["100%상사"]}
    assert found("00x상") == {ids["100x상사"]}
    assert found("a/b_c") == found("/B_C") == {ids["a/b_c 랩"]}
    assert found("b_c 랩") == {ids["a/b_c 랩"], ids["ab_c 랩"]}
    assert found("a/b%") == set()


def test_the_year_filter_hides_its_index_from_sqlite_only(services, clock):
    """The dashboard's and the search's year filter is `programme_year + 0` on SQLite (whose planner
    has no statistics and would drive the page by the year's index and sort the year) and the plain
    column on PostgreSQL, whose planner guessed 0.5 % of the rows for `+ 0` and then joined and
    sorted every company of the year (85 ms instead of 2.5 ms at 100,000 companies,
    benchmarks/README.md). The pages are the same either way."""
    from kvoucher_desktop.services.repositories.rows import observing

    operator = make_operator(services)
    agency = make_agency(services)
    made = []
    for i in range(3):
        clock.advance(minutes=1)
        made.append(signup_company(services, name=f"한빛상사{i}", business_no=valid_business_no(4_000_500 + i)))
    seen = []
    with observing(lambda sql, params: seen.append(sql) if "programme_year" in sql else None):
        pages = [services.screening.list_companies(operator),
                 services.screening.list_companies(agency, status=ScreeningStatus.REVIEWING),
                 services.screening.list_companies(operator, query="한"),
                 services.screening.list_companies(agency, query="한빛")]
    assert len(seen) == 4
    hidden = "programme_year + 0"
    if services.engine.dialect.name == "sqlite":
        assert all(hidden in sql for sql in seen)
    else:
        assert not any(hidden in sql for sql in seen)
        assert all("companies.programme_year = " in sql for sql in seen)
    newest_first = [c.company_id for c in reversed(made)]
    assert all([r.id for r in page.rows] == newest_first for page in pages)
