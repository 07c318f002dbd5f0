"""Domain errors: a Korean message for users, a code for developers."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 changes=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        #: what the use case had already committed before it refused (a `Changes`, or None):
        #: e.g. a deal found overdue is recorded as expired, then the action is refused
        self.changes = changes

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Bad input; `field` names the form field it belongs to."""

    code = "validation"


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class AuthenticationError(DomainError):
    code = "authentication"


class AccountLocked(AuthenticationError):
    code = "account_locked"


#: what a refused session handle says (services/sessions.py); the GUI returns to the login page
SESSION_INVALID_MESSAGE = "로그인 정보가 만료되었거나 올바르지 않습니다. 다시 로그인해 주세요."


class SessionInvalid(AuthenticationError):
    """The Actor handed to a service is not a live session the store vouches for: forged, edited,
    logged out, expired, ended by a password change, or its account was locked by the agency."""

    code = "session"

    def __init__(self, message: str = SESSION_INVALID_MESSAGE, **kwargs):
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    """Someone else changed the record first, or a uniqueness rule was hit."""

    code = "conflict"


class Unavailable(DomainError):
    """An outside party (a card issuer, ZeroPay) did not answer and nothing is known of the request:
    the record stays as it was (a payment IN_PROGRESS), and the same call again is safe — it carries
    the same idempotency key, so the request is done at most once."""

    code = "unavailable"


class SignupRefused(DomainError):
    code = "signup_refused"


class VerificationError(DomainError):
    code = "verification"


class SettingsError(DomainError):
    code = "settings"
