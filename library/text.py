"""Cleaning what people type or paste, and folding it for search.

Write-ups are pasted from Word, intranets and emails, so they carry no-break spaces, zero-width
characters, soft hyphens, byte-order marks and stray control characters. `clean` removes the
invisible ones and turns the odd spaces into plain spaces, so that a title made only of them is
seen as empty and two titles that look alike are alike.

`fold` is what full-text search sees: lower case with accents and letter variants folded
("Łódź" → "lodz", "Beyoncé" → "beyonce", "ı" → "i"), so a search typed without accents finds a
write-up written with them and the other way round. It is done in Python on both the stored
document and the query, rather than with PostgreSQL's `unaccent` extension, so it needs no
extension (and no privilege to create one) in any deployment, embedded test server included.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and joiner characters, word joiner, BOM, soft hyphen, bidi marks and embeddings.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# No-break, figure, thin and other unusual spaces, and line/paragraph separators.
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters that are not a base letter plus a combining mark, so NFKD leaves them alone.
_VARIANTS = str.maketrans(
    {"ł": "l", "Ł": "l", "ı": "i", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "ß": "ss",
     "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "ð": "d"}
)  # fmt: skip


def clean(text: str, *, multiline: bool = True) -> str:
    """`text` without invisible characters, odd spaces as spaces, line endings as \\n, trimmed.

    One-line fields (`multiline=False`) also have their line breaks and runs of spaces collapsed.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACE.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = re.sub(r"\s+", " ", text)
    return text.strip()


def has_a_letter(text: str) -> bool:
    """Whether `text` holds at least one letter or digit (not only punctuation or marks)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def fold(text: str) -> str:
    """Lower case, accents removed, letter variants folded: what search indexes and queries."""
    text = clean(text)
    # Decomposing can reveal spaces (a spacing accent "¨" is a space and a mark) and case folding can
    # reveal marks ("İ" → "i" + dot): repeat until nothing changes (twice or three times at most).
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", text.translate(_VARIANTS)).casefold().translate(_VARIANTS)
        folded = re.sub(r"\s+", " ", "".join(ch for ch in decomposed if not unicodedata.combining(ch))).strip()
        if folded == text:
            break
        text = folded
    return text
