"""Korean particles that follow the last syllable of a word (을/를, 은/는, 이/가, 으로/로, 과/와)."""

from __future__ import annotations

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the final consonants

#: (after a final consonant, after a vowel)
PAIRS = {"을": ("을", "를"), "를": ("을", "를"), "은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"),
         "가": ("이", "가"), "과": ("과", "와"), "와": ("과", "와"), "으로": ("으로", "로"), "로": ("으로", "로")}


def particle(word: str, which: str) -> str:
    """The form of particle `which` that fits after `word`; both forms, "을(를)", when the last
    character is not Hangul (a digit, a Latin letter, a closing quote of a name we cannot read)."""
    with_final, without_final = PAIRS[which]
    last = (word or "").rstrip()[-1:]
    if not last or not _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return f"{with_final}({without_final})" if which != "으로" and which != "로" else "(으)로"
    final = (ord(last) - _HANGUL_FIRST) % 28
    if which in ("으로", "로"):
        return "로" if final in (0, _RIEUL) else "으로"
    return with_final if final else without_final


def josa(word: str, which: str) -> str:
    """`word` followed by the fitting particle: josa("서비스명", "을") == "서비스명을"."""
    return f"{word}{particle(word, which)}"
