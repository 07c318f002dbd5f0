import pytest

from kvoucher_desktop.services.rules.korean import josa, particle


@pytest.mark.parametrize("word, which, expected", [
    ("서비스명", "을", "서비스명을"),  # final ㅇ
    ("문의 내용", "을", "문의 내용을"),
    ("가격", "를", "가격을"),
    ("메모", "을", "메모를"),  # no final consonant
    ("거래수락", "을", "거래수락을"),
    ("장바구니 담기", "을", "장바구니 담기를"),
    ("서비스 설명", "은", "서비스 설명은"),
    ("키워드", "은", "키워드는"),
    ("신한카드", "으로", "신한카드로"),
    ("제로페이", "으로", "제로페이로"),
    ("서울", "으로", "서울로"),  # ㄹ takes 로
    ("본점", "으로", "본점으로"),
    ("사업자등록증", "이", "사업자등록증이"),
    ("VPN", "을", "VPN을(를)"),  # cannot tell: both forms
    ("2026", "으로", "2026(으)로"),
])
def test_particles(word, which, expected):
    assert josa(word, which) == expected


def test_empty_word():
    assert particle("", "을") == "을(를)"
