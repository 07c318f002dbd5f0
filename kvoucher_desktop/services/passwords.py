"""Argon2id password hashing with injectable cost (cheap in tests, never in the app)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class HashParams:
    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


PRODUCTION = HashParams()
FAST_FOR_TESTS = HashParams(time_cost=1, memory_cost=8, parallelism=1)


class Passwords:
    def __init__(self, params: HashParams = PRODUCTION):
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            type=Type.ID,
        )

    @cached_property
    def _dummy(self) -> str:
        """Verified against for unknown ids, so they take as long as real ones. Made on first
        use: at production cost it is ~90 ms nobody should wait for at start-up."""
        return self._hasher.hash("dummy-password-for-timing")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
