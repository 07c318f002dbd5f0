"""Login, lockout and accounts (SPEC §3, §8)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..enums import Role
from ..models import Company, OperatingAgency, Supplier, User
from .clock import format_kst
from .dto import Actor, UserView
from .errors import AccountLocked, AuthenticationError, NotFound, ValidationError
from .guards import require_role
from .passwords import Passwords
from .rules.numbers import login_id_error, password_error

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=10)
#: at most this many demand accounts are listed for one search (there are about 80,000)
DEMAND_SEARCH_LIMIT = 200

ROLE_LABELS = {
    Role.DEMAND: "수요기업",
    Role.SUPPLIER: "공급기업",
    Role.OPERATOR: "운영기관",
    Role.AGENCY: "전문기관",
}


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        role=user.role,
        name=user.display_name,
        login_id=user.login_id,
        company_id=user.company_id,
        supplier_id=user.supplier_id,
        operator_id=user.operator_id,
    )


def check_new_credentials(session: Session, login_id: str, password: str, confirm: str | None = None) -> None:
    """Raise ValidationError (with field) for an unusable login id or password."""
    message = login_id_error(login_id)
    if message:
        raise ValidationError(message, field="login_id")
    taken = session.scalar(select(func.count()).select_from(User).where(func.lower(User.login_id) == login_id.lower()))
    if taken:
        raise ValidationError("이미 사용 중인 아이디입니다. 다른 아이디를 입력해 주세요.", field="login_id")
    message = password_error(password, login_id)
    if message:
        raise ValidationError(message, field="password")
    if confirm is not None and confirm != password:
        raise ValidationError("비밀번호 확인이 일치하지 않습니다.", field="password_confirm")


class AccountService:
    def __init__(self, uow, clock, passwords: Passwords):
        self.uow = uow
        self.clock = clock
        self.passwords = passwords

    def login(self, login_id: str, password: str) -> Actor:
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            user = s.scalars(
                select(User).where(func.lower(User.login_id) == login_id.strip().lower()).with_for_update()
            ).one_or_none()
            if user is None or not user.active:
                self.passwords.verify(None, password)  # same work either way
                raise AuthenticationError("아이디 또는 비밀번호가 올바르지 않습니다.")
            if user.locked_until is not None and user.locked_until > now:
                uow.audit(actor_of(user), "account.login_refused_locked", "user", user.id,
                          after={"locked_until": user.locked_until.isoformat()})
                uow.commit()
                raise AccountLocked(
                    "비밀번호를 5회 잘못 입력하여 계정이 잠겼습니다. "
                    f"{format_kst(user.locked_until)}(한국시간) 이후에 다시 시도해 주세요."
                )
            if user.locked_until is not None and user.locked_until <= now:
                user.locked_until = None
                user.failed_logins = 0
            if not self.passwords.verify(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.failed_logins = 0
                    user.locked_until = now + LOCK_DURATION
                    uow.audit(actor_of(user), "account.locked", "user", user.id,
                              after={"locked_until": user.locked_until.isoformat()})
                    uow.commit()
                    raise AccountLocked(
                        "비밀번호를 5회 잘못 입력하여 계정이 10분간 잠겼습니다. "
                        f"{format_kst(user.locked_until)}(한국시간) 이후에 다시 시도해 주세요."
                    )
                left = MAX_FAILED_LOGINS - user.failed_logins
                uow.audit(actor_of(user), "account.login_failed", "user", user.id,
                          after={"failed_logins": user.failed_logins})
                uow.commit()
                raise AuthenticationError(
                    f"아이디 또는 비밀번호가 올바르지 않습니다. (5회 실패 시 10분간 잠김, 남은 횟수 {left}회)"
                )
            user.failed_logins = 0
            user.last_login_at = now
            if self.passwords.needs_rehash(user.password_hash):
                user.password_hash = self.passwords.hash(password)
            actor = actor_of(user)
            uow.audit(actor, "account.login", "user", user.id)
            uow.commit()
            return actor

    def logout(self, actor: Actor) -> None:
        with self.uow() as uow:
            uow.audit(actor, "account.logout", "user", actor.user_id)
            uow.commit()

    def create_account(
        self,
        actor: Actor,
        *,
        role: Role,
        login_id: str,
        password: str,
        display_name: str,
        operator_id: uuid.UUID | None = None,
        supplier_id: uuid.UUID | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> UserView:
        """The agency creates supplier, operator and agency accounts (no public signup)."""
        require_role(actor, Role.AGENCY)
        if role is Role.DEMAND:
            raise ValidationError("수요기업 계정은 회원가입으로만 만들 수 있습니다.", field="role")
        if not display_name.strip():
            raise ValidationError("이름을 입력해 주세요.", field="display_name")
        with self.uow() as uow:
            s = uow.session
            check_new_credentials(s, login_id, password)
            organisation = ""
            if role is Role.OPERATOR:
                op = s.get(OperatingAgency, operator_id) if operator_id else None
                if op is None:
                    raise ValidationError("운영기관을 선택해 주세요.", field="operator_id")
                organisation = op.name
            if role is Role.SUPPLIER:
                sup = s.get(Supplier, supplier_id) if supplier_id else None
                if sup is None:
                    raise ValidationError("공급기업을 선택해 주세요.", field="supplier_id")
                organisation = sup.name
            user = User(
                id=uuid.uuid4(),
                login_id=login_id,
                password_hash=self.passwords.hash(password),
                role=role,
                display_name=display_name.strip(),
                operator_id=operator_id if role is Role.OPERATOR else None,
                supplier_id=supplier_id if role is Role.SUPPLIER else None,
                phone=phone,
                email=email,
                created_at=self.clock.now(),
            )
            s.add(user)
            uow.audit(actor, "account.create", "user", user.id,
                      after={"login_id": login_id, "role": role.value, "organisation": organisation})
            try:
                uow.commit()
            except IntegrityError:  # another desk took the id between the check and the insert
                raise ValidationError("이미 사용 중인 아이디입니다. 다른 아이디를 입력해 주세요.",
                                      field="login_id") from None
            return UserView(user.id, user.login_id, user.role, user.display_name, organisation)

    def list_accounts(self, actor: Actor, role: Role | None = None, query: str = "") -> list[UserView]:
        """Staff accounts (operator, supplier, agency), by role and login id.

        Demand accounts (tens of thousands) are left out unless `query` is given: then the
        accounts whose login id or display name contains it (ignoring case) are listed, demand
        accounts included (at most DEMAND_SEARCH_LIMIT of them), with the company name as the
        organisation. Staff accounts are filtered by the same query.
        """
        require_role(actor, Role.AGENCY)
        query = query.strip()
        with self.uow() as uow:
            s = uow.session
            now = self.clock.now()

            def matching(stmt):
                if not query:
                    return stmt
                needle = query.lower()
                return stmt.where(or_(func.lower(User.login_id).contains(needle, autoescape=True),
                                      func.lower(User.display_name).contains(needle, autoescape=True)))

            def view(u: User, organisation: str | None) -> UserView:
                return UserView(u.id, u.login_id, u.role, u.display_name, organisation or "",
                                u.locked_until if u.locked_until and u.locked_until > now else None)

            rows: list[UserView] = []
            if role is not Role.DEMAND:
                stmt = matching(
                    select(User, OperatingAgency.name, Supplier.name)
                    .outerjoin(OperatingAgency, OperatingAgency.id == User.operator_id)
                    .outerjoin(Supplier, Supplier.id == User.supplier_id)
                    .where(User.role != Role.DEMAND)
                    .order_by(User.role, User.login_id)
                )
                if role is not None:
                    stmt = stmt.where(User.role == role)
                rows += [view(u, op or sup) for u, op, sup in s.execute(stmt)]
            if query and role in (None, Role.DEMAND):
                stmt = matching(
                    select(User, Company.name)
                    .outerjoin(Company, Company.id == User.company_id)
                    .where(User.role == Role.DEMAND)
                    .order_by(User.login_id)
                    .limit(DEMAND_SEARCH_LIMIT)
                )
                rows += [view(u, company) for u, company in s.execute(stmt)]
            return rows

    def change_password(self, actor: Actor, old: str, new: str, confirm: str) -> None:
        with self.uow() as uow:
            user = uow.session.get(User, actor.user_id)
            if user is None:
                raise NotFound("계정을 찾을 수 없습니다.")
            if not self.passwords.verify(user.password_hash, old):
                raise ValidationError("현재 비밀번호가 올바르지 않습니다.", field="old_password")
            message = password_error(new, user.login_id)
            if message:
                raise ValidationError(message, field="password")
            if new != confirm:
                raise ValidationError("비밀번호 확인이 일치하지 않습니다.", field="password_confirm")
            user.password_hash = self.passwords.hash(new)
            uow.audit(actor, "account.password_change", "user", user.id)
            uow.commit()

    def unlock(self, actor: Actor, user_id: uuid.UUID) -> None:
        require_role(actor, Role.AGENCY)
        with self.uow() as uow:
            user = uow.session.get(User, user_id)
            if user is None:
                raise NotFound("계정을 찾을 수 없습니다.")
            before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None}
            user.locked_until = None
            user.failed_logins = 0
            uow.audit(actor, "account.unlock", "user", user.id, before=before, after={"locked_until": None})
            uow.commit()

