"""Catalog search text: Korean partial matching that works for 1- and 2-syllable queries.

Full-text indexes do not help here: SQLite FTS5's unicode61 tokenizer matches whole words only,
its trigram tokenizer and PostgreSQL's pg_trgm need three characters, and Korean users type one
or two syllables ("보안", "화상"). The catalog is a few thousand services, so each service keeps
one normalised text and a query is a substring test per term (docs/decisions.md, benchmarks).
"""

from __future__ import annotations

import re
import unicodedata

#: separates the fields in `search_text` so that no term matches across two fields
FIELD_SEPARATOR = "\u241f"
_SPACE = re.compile(r"\s+")
MAX_TERMS = 8


def normalise(text: str) -> str:
    """NFC (macOS input may be decomposed), lower-case, without any white space."""
    return _SPACE.sub("", unicodedata.normalize("NFC", text or "")).lower()


def search_text(name: str, keywords: str, supplier_name: str) -> str:
    return FIELD_SEPARATOR.join(normalise(part) for part in (name, keywords, supplier_name))


def query_terms(query: str) -> list[str]:
    """Each white-space separated word of the query must occur (AND); duplicates dropped."""
    terms: list[str] = []
    for word in _SPACE.split(unicodedata.normalize("NFC", query or "").strip()):
        term = normalise(word).replace(FIELD_SEPARATOR, "")
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def like_pattern(term: str) -> str:
    """A LIKE pattern for a substring, with LIKE's own wildcards escaped (escape char '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def split_keywords(text: str) -> list[str]:
    """Keywords typed with commas (or '#'): trimmed, duplicates removed, order kept."""
    out: list[str] = []
    for part in re.split(r"[,#\n]", text or ""):
        word = _SPACE.sub(" ", part).strip()
        if word and word not in out:
            out.append(word)
    return out


# --- company names (심사관리 search) ------------------------------------------------------------
def name_grams(name: str) -> set[str]:
    """The index entries of a company name: every character and every pair of adjacent characters
    of the lower-cased name (spaces included). A substring of the name has its characters (one
    character) or its pairs (longer) among them, so the index narrows any substring search."""
    text = (name or "").lower()
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}


def query_grams(query: str) -> set[str]:
    """What a name must have in the index to contain `query`: the character of a one-character
    query, the adjacent pairs of a longer one (the match itself is still checked on the name)."""
    text = (query or "").lower()
    if len(text) == 1:
        return {text}
    return {text[i:i + 2] for i in range(len(text) - 1)}
