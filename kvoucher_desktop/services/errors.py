"""Domain errors: a Korean message for users, a code for developers."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field

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


class Conflict(DomainError):
    """Someone else changed the record first, or a uniqueness rule was hit."""

    code = "conflict"


class SignupRefused(DomainError):
    code = "signup_refused"


class VerificationError(DomainError):
    code = "verification"


class SettingsError(DomainError):
    code = "settings"
