"""Login, lockout and accounts (SPEC §3, §8)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..enums import Role
from ..models import Company, OperatingAgency, Supplier, User
from .changes import Changes, Done, Entity
from .clock import Clock, format_kst
from .dto import Actor, UserView
from .errors import AccountLocked, AuthenticationError, NotFound, ValidationError
from .guards import require_role
from .passwords import Passwords
from .rules.inputs import clean_enum, clean_login, clean_number_text, clean_password, clean_search, clean_text, clean_uuid
from .rules.numbers import normalize_phone, password_error, valid_email
from .sessions import ACCOUNT_LOCKED, LOGOUT, PASSWORD_CHANGE, SessionStore, accepts_ended_session, actor_of
from .uow import UowFactory

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=10)
#: the one answer to an unknown id and to a wrong password (no hint that the id exists)
LOGIN_FAILED_MESSAGE = ("아이디 또는 비밀번호가 올바르지 않습니다. "
                        "비밀번호를 5회 연속 잘못 입력하면 계정이 10분간 잠깁니다.")
#: the answer to the right password of an account the agency locked
ACCOUNT_DISABLED_MESSAGE = "전문기관이 이 계정의 사용을 중지했습니다. 전문기관에 문의해 주세요."
#: how long the reason of an agency lock may be
#: at most this many demand accounts are listed for one search (there are about 80,000)
DEMAND_SEARCH_LIMIT = 200

ROLE_LABELS = {
    Role.DEMAND: "수요기업",
    Role.SUPPLIER: "공급기업",
    Role.OPERATOR: "운영기관",
    Role.AGENCY: "전문기관",
}


def _account_phone(phone) -> str | None:
    """An account's optional contact number (landline or mobile), stored with dashes."""
    text = clean_number_text(phone, "account.phone", field="phone")
    if not text:
        return None
    normalized = normalize_phone(text)
    if normalized is None:
        raise ValidationError("연락처 형식이 올바르지 않습니다. (예: 02-1234-5678)", field="phone")
    return normalized


class AccountService:
    def __init__(self, uow: UowFactory, clock: Clock, passwords: Passwords, sessions: SessionStore):
        self.uow = uow
        self.clock = clock
        self.passwords = passwords
        self.sessions = sessions

    def login(self, login_id: str, password: str) -> Actor:
        """Check the password and open a session; the Actor returned is its handle.

        An unknown id and a wrong password get the same message (LOGIN_FAILED_MESSAGE). The
        failure count is one atomic `UPDATE … SET failed_logins = failed_logins + 1 RETURNING`,
        so concurrent wrong passwords (several desks, threads) all count on both stores."""
        cleaned = clean_login(login_id, password)  # NUL, surrogates, wrong types: before the store is asked
        if cleaned is None:
            raise AuthenticationError(LOGIN_FAILED_MESSAGE)
        login_id, password = cleaned
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            user = s.scalars(
                select(User).where(func.lower(User.login_id) == login_id.strip().lower())
            ).one_or_none()
            if user is None:
                self.passwords.verify(None, password)  # same work either way
                raise AuthenticationError(LOGIN_FAILED_MESSAGE)
            if user.locked_until is not None and user.locked_until > now:
                uow.audit(actor_of(user), "account.login_refused_locked", "user", user.id,
                          after={"locked_until": user.locked_until.isoformat()})
                uow.commit()
                raise AccountLocked(
                    "비밀번호를 5회 잘못 입력하여 계정이 잠겼습니다. "
                    f"{format_kst(user.locked_until)}(한국시간) 이후에 다시 시도해 주세요."
                )
            if not self.passwords.verify(user.password_hash, password):
                failed = s.execute(
                    update(User).where(User.id == user.id)
                    .values(failed_logins=User.failed_logins + 1)
                    .returning(User.failed_logins)
                    .execution_options(synchronize_session=False)
                ).scalar_one()
                if failed >= MAX_FAILED_LOGINS:
                    until = now + LOCK_DURATION
                    s.execute(update(User).where(User.id == user.id)
                              .values(failed_logins=0, locked_until=until)
                              .execution_options(synchronize_session=False))
                    uow.audit(actor_of(user), "account.locked", "user", user.id,
                              after={"locked_until": until.isoformat()})
                    uow.commit()
                    raise AccountLocked(
                        "비밀번호를 5회 잘못 입력하여 계정이 10분간 잠겼습니다. "
                        f"{format_kst(until)}(한국시간) 이후에 다시 시도해 주세요."
                    )
                uow.audit(actor_of(user), "account.login_failed", "user", user.id,
                          after={"failed_logins": failed})
                uow.commit()
                raise AuthenticationError(LOGIN_FAILED_MESSAGE)
            if not user.active:  # said only to the holder of the right password
                uow.audit(actor_of(user), "account.login_refused_inactive", "user", user.id)
                uow.commit()
                raise AccountLocked(ACCOUNT_DISABLED_MESSAGE)
            values = dict(failed_logins=0, locked_until=None, last_login_at=now)
            if self.passwords.needs_rehash(user.password_hash):
                values["password_hash"] = self.passwords.hash(password)
            s.execute(update(User).where(User.id == user.id).values(**values)
                      .execution_options(synchronize_session=False))
            actor = self.sessions.open(s, user, now)
            uow.audit(actor, "account.login", "user", user.id)
            uow.commit()
            return actor

    @accepts_ended_session
    def logout(self, actor: Actor) -> None:
        """End the actor's session. Logging out of an ended or expired session changes nothing."""
        with self.uow() as uow:
            if self.sessions.end(uow.session, actor.token, LOGOUT):
                uow.audit(actor, "account.logout", "user", actor.user_id)
            uow.commit()

    def current(self, actor: Actor) -> Actor:
        """The actor as the store has it now (its shown name follows a renamed company, a changed
        account): the window's header reads it again when it hears its own account changed."""
        return self.sessions.resolve(actor)

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
    ) -> Done[UserView]:
        """The agency creates supplier, operator and agency accounts (no public signup).
        Changes: the new account."""
        require_role(actor, Role.AGENCY)
        role = clean_enum(role, Role, "role", "계정 종류")
        if role is Role.DEMAND:
            raise ValidationError("수요기업 계정은 회원가입으로만 만들 수 있습니다.", field="role")
        # every typed value is checked before the store is asked (rules/limits.py)
        display_name = clean_text(display_name, "account.display_name")
        login_id = clean_text(login_id, "account.login_id", required=False)
        password = clean_password(password)
        clean_uuid(operator_id, "operator_id", optional=True)
        clean_uuid(supplier_id, "supplier_id", optional=True)
        phone = _account_phone(phone)
        email = clean_text(email, "account.email", field="email", required=False) or None
        if email is not None and not valid_email(email):
            raise ValidationError("이메일 주소 형식이 올바르지 않습니다.", field="email")
        with self.uow() as uow:
            s = uow.session
            uow.accounts.check_new_credentials(login_id, password)
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
            return Done(UserView(user.id, user.login_id, user.role, user.display_name, organisation),
                        Changes.of(Entity.ACCOUNT, user.id))

    def list_accounts(self, actor: Actor, role: Role | None = None, query: str = "") -> list[UserView]:
        """Staff accounts (operator, supplier, agency), by role and login id.

        Demand accounts (tens of thousands) are left out unless `query` is given: then the
        accounts whose login id or display name contains it (ignoring case) are listed, demand
        accounts included (at most DEMAND_SEARCH_LIMIT of them), with the company name as the
        organisation. Staff accounts are filtered by the same query.
        """
        require_role(actor, Role.AGENCY)
        role = None if role is None else clean_enum(role, Role, "role", "계정 종류")
        query = clean_search(query)  # at most SEARCH_LIMIT characters, before the store is asked
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
                                u.locked_until if u.locked_until and u.locked_until > now else None,
                                u.active)

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

    def change_password(self, actor: Actor, old: str, new: str, confirm: str) -> Done[None]:
        """Change one's own password; every session of the account ends (this one too): the
        desk asks to log in again with the new password. Changes: the account."""
        old = clean_password(old, "old_password", "현재 비밀번호")
        new = clean_password(new)
        confirm = clean_password(confirm, "password_confirm", "비밀번호 확인")
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
            ended = self.sessions.end_all(uow.session, user.id, PASSWORD_CHANGE)
            uow.audit(actor, "account.password_change", "user", user.id, after={"sessions_ended": ended})
            uow.commit()
            return Done(None, Changes.of(Entity.ACCOUNT, user.id))

    def lock(self, actor: Actor, user_id: uuid.UUID, reason: str) -> Done[None]:
        """The agency locks (deactivates) an account until `unlock`: its sessions end at once and
        it cannot log in. The reason is kept in the audit log. Changes: the account."""
        require_role(actor, Role.AGENCY)
        reason = clean_text(reason, "account.lock_reason", field="reason")
        clean_uuid(user_id, "user_id")
        if user_id == actor.user_id:
            raise ValidationError("자기 계정은 잠글 수 없습니다.", field="user_id")
        with self.uow() as uow:
            user = uow.session.get(User, user_id)
            if user is None:
                raise NotFound("계정을 찾을 수 없습니다.")
            before = {"active": user.active}
            user.active = False
            ended = self.sessions.end_all(uow.session, user.id, ACCOUNT_LOCKED)
            uow.audit(actor, "account.lock", "user", user.id, before=before,
                      after={"active": False, "reason": reason, "sessions_ended": ended})
            uow.commit()
            return Done(None, Changes.of(Entity.ACCOUNT, user.id))

    def unlock(self, actor: Actor, user_id: uuid.UUID) -> Done[None]:
        """Lift a lockout after wrong passwords, and an agency lock (`lock`). Changes: the account."""
        require_role(actor, Role.AGENCY)
        clean_uuid(user_id, "user_id")
        with self.uow() as uow:
            user = uow.session.get(User, user_id)
            if user is None:
                raise NotFound("계정을 찾을 수 없습니다.")
            before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None,
                      "active": user.active}
            user.locked_until = None
            user.failed_logins = 0
            user.active = True
            uow.audit(actor, "account.unlock", "user", user.id, before=before,
                      after={"locked_until": None, "active": True})
            uow.commit()
            return Done(None, Changes.of(Entity.ACCOUNT, user.id))
