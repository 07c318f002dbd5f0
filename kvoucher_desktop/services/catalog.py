"""Catalog (서비스 검색), suppliers' service registration, wishlists and inquiries (SPEC §5.3, §6)."""

from __future__ import annotations

import functools
import uuid

from sqlalchemy import Float, String, TypeDecorator, and_, bindparam, case, cast, func, or_, select, tuple_, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..enums import Role
from ..models import Category, Company, Deal, Inquiry, OPEN_STATES, Service, Supplier, WishlistItem
from .changes import NO_CHANGES, Changes, Done, Entity
from .clock import Clock
from .dto import (
    Actor,
    InquiryView,
    NameCursor,
    Page,
    ServiceDetail,
    ServiceForm,
    ServiceRow,
    SupplierCard,
    SupplierServiceRow,
    builder,
)
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .form_inputs import clean_service_form
from .guards import require_role
from .rules.inputs import clean_bool, clean_cursor, clean_page_size, clean_search, clean_text, clean_uuid
from .rules.limits import INQUIRY_LIMIT, MAX_AMOUNT
from .rules.documents import image_error, sniff_content_type
from .repositories.rows import fast, prepared, read_into, read_one, read_tuples
from .rules.search import like_pattern, query_terms, search_text, split_keywords
from .uow import UowFactory

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_PRICE = MAX_AMOUNT
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_TEXT = INQUIRY_LIMIT


def service_row(sv: Service, supplier_name: str, category_name: str) -> ServiceRow:
    return ServiceRow(
        id=sv.id, name=sv.name, category_code=sv.category_code, category_name=category_name,
        supplier_id=sv.supplier_id, supplier_name=supplier_name, price=sv.price,
        rating=_rating(sv.rating_points / sv.rating_count / 100 if sv.rating_count else None),
        rating_count=sv.rating_count, keywords=_keywords(sv.keywords),
        hidden=sv.hidden, hidden_by_agency=sv.hidden_by_agency,
    )


_SERVICE_ROW = builder(ServiceRow)


@functools.lru_cache(maxsize=8192)
def _keywords(text: str | None) -> tuple[str, ...]:
    return tuple(split_keywords(text))  # a service's keywords repeat on every page that shows it


def _rating(mean: float | None) -> float | None:
    return None if mean is None else round(mean, 2)


class _RatingColumn(TypeDecorator):
    """`rating_points / rating_count / 100` computed by the store in binary floating point, as
    Python divides the two integers (both exact in a double), rounded by `_rating` as `service_row` is."""

    impl = Float
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return _rating


class _KeywordsColumn(TypeDecorator):
    """The keywords text read as the tuple `split_keywords` makes of it (kept per text)."""

    impl = String
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return _keywords


_RATING, _KEYWORDS = _RatingColumn(), _KeywordsColumn()


def _rows_stmt():
    return (select(Service, Supplier.name, Category.name)
            .join(Supplier, Supplier.id == Service.supplier_id)
            .join(Category, Category.code == Service.category_code))


def _service_rows():
    """The fields of ServiceRow in order, as columns (list pages read rows straight into it)."""
    rating = cast(Service.rating_points, Float) / func.nullif(Service.rating_count, 0) / 100
    return (select(fast(Service.id), Service.name, Service.category_code, Category.name.label("category_name"),
                   fast(Service.supplier_id), Supplier.name.label("supplier_name"), Service.price,
                   type_coerce(rating, _RATING).label("rating"), Service.rating_count,
                   type_coerce(Service.keywords, _KEYWORDS).label("keywords"), Service.hidden,
                   Service.hidden_by_agency)
            .join(Supplier, Supplier.id == Service.supplier_id)
            .join(Category, Category.code == Service.category_code))


def _visible():
    return and_(Service.hidden.is_(False), Service.hidden_by_agency.is_(False))


def _prepared_filters(terms: int, category: bool) -> list:
    """`_filters` with the values bound: `term0`… (LIKE patterns), `category`."""
    conds = [_visible()]
    conds += [Service.search_text.like(bindparam(f"term{i}"), escape="\\") for i in range(terms)]
    if category:
        conds.append(Service.category_code == bindparam("category"))
    return conds


@prepared
def _search_stmt(terms: int, category: bool, paged: bool, limit: int):
    """A catalog page (`term0`…, `category`, `after_name`/`after_id` when `paged`)."""
    stmt = _service_rows().where(*_prepared_filters(terms, category))
    if paged:  # typed binds, as the columns take them
        stmt = stmt.where(tuple_(Service.name, Service.id) > tuple_(
            bindparam("after_name", type_=Service.name.type), bindparam("after_id", type_=Service.id.type)))
    return stmt.order_by(Service.name, Service.id).limit(limit + 1)


@prepared
def _supplier_services_stmt():
    """The supplier's services with open deals and unanswered inquiries (`supplier_id`, `now`)."""
    supplier_id = bindparam("supplier_id", type_=Service.supplier_id.type)
    open_deals = (select(Deal.service_id, func.count().label("n")).where(
        Deal.supplier_id == supplier_id, Deal.state.in_(OPEN_STATES),
        or_(Deal.deadline_at.is_(None), Deal.deadline_at > bindparam("now", type_=Deal.deadline_at.type)))
        .group_by(Deal.service_id).subquery())
    unanswered = (select(Inquiry.service_id, func.count().label("n")).where(
        Inquiry.supplier_id == supplier_id, Inquiry.answered_at.is_(None))
        .group_by(Inquiry.service_id).subquery())
    return (_service_rows().add_columns(func.coalesce(open_deals.c.n, 0).label("open_deals"),
                                        func.coalesce(unanswered.c.n, 0).label("unanswered"))
            .outerjoin(open_deals, open_deals.c.service_id == Service.id)
            .outerjoin(unanswered, unanswered.c.service_id == Service.id)
            .where(Service.supplier_id == supplier_id)
            .order_by(Service.name, Service.id))


@prepared
def _count_stmt(terms: int, category: bool):
    return select(func.count()).select_from(Service).where(*_prepared_filters(terms, category))


def _listing_changed(sv: Service, *old_categories: str) -> Changes:
    """What a change to the visible catalog touches besides the service: its supplier's list and
    the category counts (the service's category, and the one it left)."""
    return Changes({Entity.SUPPLIER: {sv.supplier_id}, Entity.CATEGORY: {sv.category_code, *old_categories}})


def inquiry_view(q: Inquiry, service_name: str, company_name: str) -> InquiryView:
    return InquiryView(
        id=q.id, service_id=q.service_id, service_name=service_name, company_id=q.company_id,
        company_name=company_name, question=q.question, asked_by_name=q.asked_by_name, asked_at=q.asked_at,
        answer=q.answer, answered_by_name=q.answered_by_name, answered_at=q.answered_at,
    )


_INQUIRY_COLUMNS = (Inquiry.id, Inquiry.service_id, Service.name, Inquiry.company_id, Company.name, Inquiry.question,
                    Inquiry.asked_by_name, Inquiry.asked_at, Inquiry.answer, Inquiry.answered_by_name,
                    Inquiry.answered_at)


def _inquiry_rows():
    """Plain columns for lists (no ORM objects: a supplier's list has hundreds of rows)."""
    return (select(*_INQUIRY_COLUMNS)
            .join(Service, Service.id == Inquiry.service_id)
            .join(Company, Company.id == Inquiry.company_id))


def _inquiry_stmt():
    return (select(Inquiry, Service.name, Company.name)
            .join(Service, Service.id == Inquiry.service_id)
            .join(Company, Company.id == Inquiry.company_id))


class CatalogService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    # --- search ------------------------------------------------------------------------------
    @staticmethod
    def _clean_filters(query, category) -> tuple[str, str | None]:
        """The search box and the category filter, checked before the store is asked (a query
        over SEARCH_LIMIT characters is refused with a message, never a database error)."""
        return clean_search(query), clean_text(category, "service.category_code", field="category", required=False)

    def _filter_params(self, query: str, category: str | None) -> tuple[int, dict]:
        """The values of `_filters` for a prepared statement: (number of terms, parameters)."""
        query, category = self._clean_filters(query, category)
        params = {f"term{i}": like_pattern(term) for i, term in enumerate(query_terms(query))}
        if category:
            params["category"] = category
        return len(params) - bool(category), params

    def _filters(self, query: str, category: str | None) -> list:
        query, category = self._clean_filters(query, category)
        conds = [_visible()]
        for term in query_terms(query):
            conds.append(Service.search_text.like(like_pattern(term), escape="\\"))
        if category:
            conds.append(Service.category_code == category)
        return conds

    def search(self, actor: Actor | None, query: str = "", category: str | None = None,
               cursor: NameCursor | None = None, limit: int = PAGE_SIZE) -> Page[ServiceRow, NameCursor]:
        """Visible services whose name, keywords or supplier name contain every word of `query`.

        Open to everybody, also before login. Sorted by name; keyset paging on (name, id).
        """
        terms, params = self._filter_params(query, category)
        cursor = clean_cursor(cursor, str, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        if cursor is not None:
            params["after_name"], params["after_id"] = cursor
        stmt = _search_stmt(terms, "category" in params, cursor is not None, limit)
        with self.uow() as uow:
            rows = read_into(ServiceRow, uow.connection, stmt, params)  # rows, not objects (a list page)
            more = len(rows) > limit
            out = rows[:limit]
            return Page(out, (out[-1].name, out[-1].id) if more else None)

    def count(self, actor: Actor | None, query: str = "", category: str | None = None) -> int:
        terms, params = self._filter_params(query, category)
        with self.uow() as uow:
            return read_one(uow.connection, _count_stmt(terms, "category" in params), params)[0]

    def category_counts(self, query: str = "") -> dict[str, int]:
        """Visible services matching `query` per category code (the home tiles and the filter chips)."""
        filters = self._filters(query, None)
        with self.uow() as uow:
            rows = uow.session.execute(
                select(Service.category_code, func.count()).where(*filters)
                .group_by(Service.category_code))
            return {code: n for code, n in rows}

    # --- detail ------------------------------------------------------------------------------
    def detail(self, actor: Actor | None, service_id: uuid.UUID) -> ServiceDetail:
        clean_uuid(service_id, "service_id")
        with self.uow() as uow:
            s = uow.session
            sv = uow.catalog.load(actor, service_id)
            sup = s.get(Supplier, sv.supplier_id)
            cat = s.get(Category, sv.category_code)
            others = s.execute(
                _rows_stmt().where(Service.supplier_id == sv.supplier_id, Service.id != sv.id, _visible())
                .order_by(Service.name, Service.id).limit(20)).all()
            wished, open_deal, refusal = False, None, None
            if actor is not None and actor.role is Role.DEMAND and actor.company_id is not None:
                wished = s.get(WishlistItem, (actor.company_id, sv.id)) is not None
                now = self.clock.now()
                deal = uow.deals.open_of(actor.company_id, sv.id, now)
                open_deal = deal.id if deal is not None else None
                refusal = uow.deals.start_refusal(actor, now, deal)
            elif actor is None:
                refusal = "거래상담은 승인된 수요기업이 로그인한 뒤 요청할 수 있습니다."
            else:
                refusal = "거래상담은 수요기업만 요청할 수 있습니다."
            return ServiceDetail(
                service=service_row(sv, sup.name, cat.name), description=sv.description,
                image_type=sv.image_type,
                supplier=SupplierCard(sup.id, sup.name, sup.representative_name, sup.phone, sup.email),
                other_services=tuple(service_row(o, n, c) for o, n, c in others),
                created_at=sv.created_at, updated_at=sv.updated_at,
                wished=wished, open_deal_id=open_deal, can_request_deal=refusal is None, request_refusal=refusal,
            )

    def image(self, actor: Actor | None, service_id: uuid.UUID) -> bytes | None:
        clean_uuid(service_id, "service_id")
        with self.uow() as uow:
            sv = uow.catalog.load(actor, service_id)
            if sv.image_sha256 is None:
                return None
            return uow.blobs.content(sv.image_sha256)

    # --- supplier: registration --------------------------------------------------------------
    def supplier_services(self, actor: Actor) -> list[SupplierServiceRow]:
        """The supplier's own services with counts of open deals and unanswered inquiries."""
        require_role(actor, Role.SUPPLIER)
        with self.uow() as uow:  # rows, not objects (a list page)
            rows = read_tuples(uow.connection, _supplier_services_stmt(),
                               {"supplier_id": actor.supplier_id, "now": self.clock.now()})
            return [SupplierServiceRow(_SERVICE_ROW(r[:12]), r[12], r[13]) for r in rows]

    def service_form(self, actor: Actor, service_id: uuid.UUID) -> ServiceForm:
        """The current values of one of the supplier's services, for the edit dialog."""
        clean_uuid(service_id, "service_id")
        with self.uow() as uow:
            sv = uow.catalog.own(actor, service_id)
            return ServiceForm(sv.name, sv.category_code, ", ".join(split_keywords(sv.keywords)), sv.price,
                               sv.description, sv.hidden)

    def save_service(self, actor: Actor, form: ServiceForm,
                     service_id: uuid.UUID | None = None) -> Done[ServiceRow]:
        """Register (service_id None) or edit one of the supplier's own services.

        Changes: SERVICE {id}; with SUPPLIER {its supplier} and CATEGORY {old and new code} when the
        visible catalog changed (a new service, a category change, hidden or shown)."""
        require_role(actor, Role.SUPPLIER)
        form = clean_service_form(form)  # type, characters, length, price range: before the store is asked
        clean_uuid(service_id, "service_id", optional=True)
        name = form.name
        keywords = split_keywords(form.keywords)
        if len(keywords) > 20:
            raise ValidationError("키워드는 20개까지 입력할 수 있습니다.", field="keywords")
        if any(len(k) > 30 for k in keywords):
            raise ValidationError("키워드 하나는 30자 이내로 입력해 주세요.", field="keywords")
        keyword_text = ", ".join(keywords)
        if len(keyword_text) > 500:
            raise ValidationError("키워드가 너무 깁니다. 500자 이내로 줄여 주세요.", field="keywords")
        description = form.description
        image_type = None
        if form.image is not None:
            if len(form.image) > MAX_IMAGE_BYTES:
                raise ValidationError("대표 이미지는 5MB 이하의 JPG, PNG 파일만 올릴 수 있습니다.", field="image")
            image_type = sniff_content_type(form.image)
            if image_type not in ("image/png", "image/jpeg"):
                raise ValidationError("대표 이미지는 JPG 또는 PNG 파일이어야 합니다.", field="image")
            problem = image_error(form.image, "대표 이미지")  # size limits before decoding, then decoded
            if problem:
                raise ValidationError(problem, field="image")
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            cat = s.get(Category, form.category_code or "")
            if cat is None:
                raise ValidationError("서비스 분류를 선택해 주세요.", field="category_code")
            sup = s.get(Supplier, actor.supplier_id)
            if sup is None:
                raise PermissionDenied("이 계정에 연결된 공급기업이 없습니다.", code="no_supplier")
            if service_id is None:
                sv = Service(id=uuid.uuid4(), supplier_id=sup.id, created_at=now, rating_count=0, rating_points=0,
                             hidden_by_agency=False)
                s.add(sv)
                before = None
                was = None
            else:
                sv = uow.catalog.own(actor, service_id)
                before = {"name": sv.name, "category": sv.category_code, "keywords": sv.keywords,
                          "price": sv.price, "hidden": sv.hidden}
                was = (sv.category_code, sv.hidden)
            sv.name, sv.category_code, sv.keywords, sv.price = name, cat.code, keyword_text, form.price
            sv.description, sv.hidden, sv.updated_at = description, bool(form.hidden), now
            sv.search_text = search_text(name, keyword_text, sup.name)
            if form.image is not None:
                # inserted at once (no relationship orders it before the service), race-free
                sv.image_sha256, sv.image_type = uow.blobs.ensure(form.image), image_type
            elif form.remove_image:
                sv.image_sha256, sv.image_type = None, None
            after = {"name": name, "category": cat.code, "keywords": keyword_text, "price": form.price,
                     "hidden": bool(form.hidden)}
            uow.audit(actor, "service.create" if before is None else "service.update", "service", sv.id,
                      before=before, after=after)
            try:
                uow.commit()
            except StaleDataError:
                raise Conflict("다른 화면에서 이 서비스가 먼저 수정되었습니다. 다시 불러와 수정해 주세요.") from None
            changes = Changes.of(Entity.SERVICE, sv.id)
            if was != (sv.category_code, sv.hidden):
                changes |= _listing_changed(sv, *([was[0]] if was else []))
            return Done(service_row(sv, sup.name, cat.name), changes)

    def set_hidden_by_agency(self, actor: Actor, service_id: uuid.UUID, hidden: bool,
                             reason: str = "") -> Done[ServiceRow]:
        """The agency hides a service from the catalog (or shows it again). Changes: SERVICE {id};
        with SUPPLIER and CATEGORY when the agency's mark changed."""
        require_role(actor, Role.AGENCY)
        clean_uuid(service_id, "service_id")
        hidden = clean_bool(hidden, "hidden", "숨김")
        reason = clean_text(reason, "service.hide_reason", field="reason", required=False)
        with self.uow() as uow:
            s = uow.session
            sv = s.get(Service, service_id)
            if sv is None:
                raise NotFound("서비스를 찾을 수 없습니다.")
            before = sv.hidden_by_agency
            sv.hidden_by_agency = bool(hidden)
            sv.updated_at = self.clock.now()
            uow.audit(actor, "service.agency_hide" if hidden else "service.agency_show", "service", sv.id,
                      before={"hidden_by_agency": before}, after={"hidden_by_agency": bool(hidden), "reason": reason})
            uow.commit()
            changes = Changes.of(Entity.SERVICE, sv.id)
            if before != sv.hidden_by_agency:
                changes |= _listing_changed(sv)
            return Done(service_row(sv, s.get(Supplier, sv.supplier_id).name, s.get(Category, sv.category_code).name),
                        changes)

    # --- wishlist ----------------------------------------------------------------------------
    def wishlist(self, actor: Actor) -> list[ServiceRow]:
        """찜 목록, newest first; services hidden since are left out."""
        require_role(actor, Role.DEMAND)
        with self.uow() as uow:
            rows = uow.session.execute(
                _rows_stmt().join(WishlistItem, WishlistItem.service_id == Service.id)
                .where(WishlistItem.company_id == actor.company_id, _visible())
                .order_by(WishlistItem.added_at.desc(), Service.id)).all()
            return [service_row(sv, sup, cat) for sv, sup, cat in rows]

    def set_wished(self, actor: Actor, service_id: uuid.UUID, wished: bool) -> Done[bool]:
        """찜하기 on or off; the value is the mark now. Changes: WISH {service_id} (none when the
        mark was already so)."""
        require_role(actor, Role.DEMAND)
        clean_uuid(service_id, "service_id")
        wished = clean_bool(wished, "wished", "찜하기")
        with self.uow() as uow:
            s = uow.session
            item = s.get(WishlistItem, (actor.company_id, service_id))
            changes = NO_CHANGES
            if wished and item is None:
                uow.catalog.load(actor, service_id)
                s.add(WishlistItem(company_id=actor.company_id, service_id=service_id, added_at=self.clock.now()))
                uow.audit(actor, "wishlist.add", "service", service_id)
                changes = Changes.of(Entity.WISH, service_id)
            elif not wished and item is not None:
                s.delete(item)
                uow.audit(actor, "wishlist.remove", "service", service_id)
                changes = Changes.of(Entity.WISH, service_id)
            try:
                uow.commit()
            except (IntegrityError, StaleDataError):
                pass  # another desk of the same company did the same a moment earlier: the outcome stands
            return Done(wished, changes)

    # --- inquiries ---------------------------------------------------------------------------
    def ask(self, actor: Actor, service_id: uuid.UUID, question: str) -> Done[InquiryView]:
        """A demand company's question on a service. Changes: INQUIRY {the new inquiry}."""
        require_role(actor, Role.DEMAND)
        clean_uuid(service_id, "service_id")
        question = clean_text(question, "inquiry.question")
        with self.uow() as uow:
            s = uow.session
            sv = uow.catalog.load(actor, service_id)
            company = s.get(Company, actor.company_id)
            q = Inquiry(id=uuid.uuid4(), service_id=sv.id, supplier_id=sv.supplier_id, company_id=company.id,
                        question=question, asked_by=actor.user_id, asked_by_name=actor.name,
                        asked_at=self.clock.now())
            s.add(q)
            uow.audit(actor, "inquiry.ask", "inquiry", q.id, after={"service_id": str(sv.id)})
            uow.commit()
            return Done(inquiry_view(q, sv.name, company.name), Changes.of(Entity.INQUIRY, q.id))

    def inquiries(self, actor: Actor | None, service_id: uuid.UUID) -> list[InquiryView]:
        """A service's inquiries as this actor may see them: a demand company its own, the supplier
        all of its service's, the agency all; nobody else any (SPEC §3)."""
        clean_uuid(service_id, "service_id")
        if actor is None or actor.role is Role.OPERATOR:
            return []
        with self.uow() as uow:
            s = uow.session
            sv = uow.catalog.load(actor, service_id)
            stmt = _inquiry_rows().where(Inquiry.service_id == sv.id)
            if actor.role is Role.DEMAND:
                stmt = stmt.where(Inquiry.company_id == actor.company_id)
            elif actor.role is Role.SUPPLIER and actor.supplier_id != sv.supplier_id:
                return []
            rows = s.execute(stmt.order_by(Inquiry.asked_at.desc(), Inquiry.id)).all()
            return [InquiryView(*row) for row in rows]

    def my_inquiries(self, actor: Actor, *, unanswered_only: bool = False) -> list[InquiryView]:
        """A demand company's own inquiries, or every inquiry on a supplier's services (unanswered first)."""
        require_role(actor, Role.DEMAND, Role.SUPPLIER)
        with self.uow() as uow:
            stmt = _inquiry_rows()
            if actor.role is Role.DEMAND:
                stmt = stmt.where(Inquiry.company_id == actor.company_id)
            else:
                stmt = stmt.where(Inquiry.supplier_id == actor.supplier_id)
            if unanswered_only:
                stmt = stmt.where(Inquiry.answered_at.is_(None))
            unanswered_first = case((Inquiry.answered_at.is_(None), 0), else_=1)
            rows = uow.session.execute(stmt.order_by(unanswered_first, Inquiry.asked_at.desc(), Inquiry.id)
                                       .limit(1000)).all()
            return [InquiryView(*row) for row in rows]

    def answer(self, actor: Actor, inquiry_id: uuid.UUID, answer: str) -> Done[InquiryView]:
        """The supplier answers (or corrects its answer to) an inquiry on one of its services.
        Changes: INQUIRY {inquiry_id}."""
        require_role(actor, Role.SUPPLIER)
        clean_uuid(inquiry_id, "inquiry_id")
        answer = clean_text(answer, "inquiry.answer")
        with self.uow() as uow:
            s = uow.session
            row = s.execute(_inquiry_stmt().where(Inquiry.id == inquiry_id)).first()
            if row is None:
                raise NotFound("문의를 찾을 수 없습니다.")
            q, service_name, company_name = row
            if q.supplier_id != actor.supplier_id:
                raise PermissionDenied("다른 공급기업 서비스의 문의에는 답변할 수 없습니다.", code="not_own")
            before = {"answer": q.answer}
            q.answer, q.answered_by, q.answered_by_name, q.answered_at = answer, actor.user_id, actor.name, self.clock.now()
            uow.audit(actor, "inquiry.answer", "inquiry", q.id, before=before, after={"answer": answer})
            uow.commit()
            return Done(inquiry_view(q, service_name, company_name), Changes.of(Entity.INQUIRY, q.id))
