"""Rules of 서비스 정산 / 만족도 (SPEC §5.5): the five criteria, what a score is, the average of
one evaluation and what it adds to its service's rating. No I/O.

A service's rating is stored as two integers (`services.rating_points`, `rating_count`): each
DONE evaluation adds its mean score ×100 to the points and 1 to the count, and the catalog shows
points / count / 100. The mean of five whole scores is a multiple of 0.2, so ×100 it is the
whole number `20 × sum` — nothing is rounded until the catalog rounds its mean to two places.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...enums import EvaluationStatus
from ..errors import ValidationError
from .numbers import number_text

#: (field, Korean label), in the order the forms and the detail show them
CRITERIA: tuple[tuple[str, str], ...] = (
    ("quality", "품질"),
    ("timeliness", "납기 준수"),
    ("communication", "소통"),
    ("price", "가격 적정성"),
    ("overall", "전반적 만족도"),
)
FIELDS = tuple(name for name, _label in CRITERIA)
LABELS = dict(CRITERIA)
MIN_SCORE, MAX_SCORE = 1, 5
STATUS_LABELS = {EvaluationStatus.PENDING: "평가대기", EvaluationStatus.DONE: "평가완료"}

ALREADY_DONE = "이미 평가를 마친 거래입니다. 저장된 평가는 바꿀 수 없습니다."
GONE = "평가할 거래를 찾을 수 없습니다. 결제가 취소되었을 수 있습니다. 목록을 새로 고쳐 주세요."
ONLY_BUYER = "평가는 서비스를 결제한 수요기업만 할 수 있습니다."


def clean_score(value: object, field: str) -> int:
    """One score, 1–5: an int (not a bool), or its digits typed as text (full-width digits are
    normalised by NFKC first: '４' is 4)."""
    label = LABELS[field]
    if isinstance(value, str):
        text = number_text(value)
        if len(text) == 1 and "0" <= text <= "9":
            value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
        raise ValidationError(f"'{label}' 점수를 {MIN_SCORE}점부터 {MAX_SCORE}점 사이에서 골라 주세요.", field=field,
                              code="bad_score")
    return int(value)


def clean_scores(scores: object) -> dict[str, int]:
    """The five scores by field name (every criterion once, nothing else), each checked."""
    if not isinstance(scores, Mapping):
        raise ValidationError("다섯 항목의 점수를 모두 골라 주세요.", field="scores", code="wrong_type")
    unknown = set(scores) - set(FIELDS)
    if unknown:
        raise ValidationError("알 수 없는 평가 항목이 있습니다.", field="scores", code="unknown_criterion")
    for field in FIELDS:
        if field not in scores or scores[field] is None:
            raise ValidationError(f"'{LABELS[field]}' 점수를 골라 주세요.", field=field, code="required")
    return {field: clean_score(scores[field], field) for field in FIELDS}


def average(scores) -> float | None:
    """The mean of one evaluation's five scores (a multiple of 0.2), None without scores."""
    values = list(scores)
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)


def rating_points(scores) -> int:
    """What one DONE evaluation adds to `services.rating_points`: its mean ×100, exactly."""
    values = list(scores)
    assert len(values) == len(FIELDS)
    return sum(values) * 100 // len(FIELDS)


def rating(points: int, count: int) -> float | None:
    """A service's rating as the catalog shows it: the mean of its DONE evaluations' means."""
    return round(points / count / 100, 2) if count else None
