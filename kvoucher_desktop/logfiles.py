"""The app's log file: owner-only, rotated, and free of statement parameters and personal data.

Both engines are created with `hide_parameters=True`, so SQLAlchemy's error texts carry no
values. What may still reach a log line is redacted by `RedactingFilter`: a `[parameters: …]`
section (an engine made elsewhere), Argon2 hashes, e-mail addresses and Korean phone numbers
(e.g. in a PostgreSQL `DETAIL: Key (email)=(…)` line or a traceback's local text).
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .private_files import private_opener, restrict_file

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_REDACTIONS = (
    # SQLAlchemy's "[parameters: (...)]" line (one line; long ones are elided by SQLAlchemy)
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: redacted]"),
    (re.compile(r"\$argon2(?:id|i|d)\$[^\s'\",)\]]*"), "[argon2 hash redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail redacted]"),
    # 010-1234-5678, 01012345678, 02-123-4567, 031 123 4567 (not inside ids, dates or other numbers)
    (re.compile(r"(?<![\w.-])0\d{1,2}[-. ]?\d{3,4}[-. ]?\d{4}(?![\w-]|\.\d)"), "[phone redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Redact a record's message, traceback and stack before any handler formats it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: the handler reports it as usual
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are 0600 on POSIX, also those it starts after a rollover."""

    def _open(self):
        stream = open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                      opener=private_opener)
        restrict_file(Path(self.baseFilename))  # a file from an older version was 0644
        return stream


def log_file_handler(path: Path) -> logging.Handler:
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    return handler
