"""The status line the paged lists share (views/widgets/list_status.py)."""

from __future__ import annotations

from dataclasses import dataclass

from kvoucher_desktop.views.widgets.list_status import list_status


@dataclass
class Model:
    rows: int
    loading: bool = False
    exhausted: bool = True

    def rowCount(self) -> int:  # noqa: N802  (Qt's name)
        return self.rows


def test_the_line_says_what_is_shown_loading_more_and_empty(qapp):
    assert list_status(Model(1234), "없음") == "1,234건 표시"
    assert list_status(Model(3, exhausted=False), "없음") == "3건 표시 · 아래로 스크롤하면 더 불러옵니다"
    assert list_status(Model(0, loading=True, exhausted=False), "없음") == "0건 표시 · 불러오는 중…"
    assert list_status(Model(0), "없음") == "없음"
    assert list_status(Model(3), "없음", " / 3건") == "3건 표시 / 3건"
    assert list_status(Model(2, exhausted=False), "없음", " / 전체 9건") == \
        "2건 표시 / 전체 9건 · 아래로 스크롤하면 더 불러옵니다"
