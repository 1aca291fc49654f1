"""Version 1 of the name-search tokens, frozen (sharing/names.py before NAMES_VERSION 2).

Kept only to measure the old rules beside the new (bench/bench_names.py) and to write old-scheme
tokens in the re-index test. Nothing in the hub imports it.

Plaintext search tokens for speakers' public names.

The exchange never stores a name. It stores keyed HMACs (blind indexes) of the tokens made
here; a search HMACs :func:`query_tokens` and looks them up. A query matches a stored name
when ``query_tokens(query) & index_tokens(stored)`` is non-empty. ``sharing/NAMES.md`` lists
which variations match and why the others deliberately do not.

Pure and stdlib-only. Any change to the output changes the index: every stored token has to
be recomputed from the source records, so treat an edit here as a migration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

__all__ = [
    "MAX_NAME_LENGTH",
    "POST_NOMINALS",
    "TITLES",
    "VARIANTS",
    "NameQueryError",
    "index_tokens",
    "name_words",
    "query_tokens",
]

MAX_NAME_LENGTH: Final = 200

TOO_SHORT: Final = "Enter at least two letters of the speaker's name."
ONLY_TITLE: Final = "Enter the speaker's name, not only a title."
TOO_LONG: Final = f"Enter a name of at most {MAX_NAME_LENGTH} characters."


class NameQueryError(ValueError):
    """A name that cannot be indexed or searched. ``str(error)`` is safe to show the user."""


TITLES: Final = frozenset(
    "dr doctor prof professor mr mrs ms miss mx rev revd reverend rabbi imam sheikh shaykh "
    "sheik shaikh sir dame lord lady fr father sister pastor bishop canon cllr councillor "
    "hon honourable ustadh ustadha maulana mufti hafiz rt the".split()
)
POST_NOMINALS: Final = frozenset("phd dphil md obe mbe cbe kbe dbe qc kc mp msc ma ba bsc frs fba".split())

# Canonical spelling -> transliterations folded into it. Only spellings of the *same* name in
# the same source script belong here: Alexander is not Aleksandr, and Zhou (pinyin) is not
# Chou (Wade-Giles), because those maps are many-to-many and would merge different people.
# No variant may be a canonical spelling too (the tests check), so one lookup suffices.
VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    # Arabic (also Persian, Turkish, South Asian and Malay usage); Md and Mohd abbreviate Muhammad.
    "muhammad": ("mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "mohammod", "muhamad", "md", "mohd"),
    "ahmad": ("ahmed",),
    "husayn": ("hussain", "hussein", "husain", "hossein", "husein"),
    "hasan": ("hassan",),
    "abdul": ("abdel", "abdal"),
    "yusuf": ("yousef", "yousif", "youssef", "yusef"),
    "umar": ("omar",),
    "uthman": ("othman", "osman"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "fatima": ("fatimah", "fatema"),
    "aisha": ("ayesha", "aysha", "aishah"),
    "sheikh": ("shaykh", "sheik", "shaikh"),  # as a surname; as a leading title it is dropped
    # Russian and other Cyrillic.
    "sergei": ("sergey", "serguei"),
    "yuri": ("yury", "iurii", "yuriy"),
    "tatiana": ("tatyana", "tatjana"),
    "aleksandr": ("alexandr", "aleksander"),
    "mikhail": ("mihail",),
    "nikolai": ("nikolay",),
    "dmitri": ("dmitry", "dmitriy"),
    "natalia": ("natalya", "nataliya"),
    # Hebrew and Yiddish.
    "chaim": ("haim", "hayim", "chayim"),
    "yitzhak": ("yitzchak", "itzhak", "itzchak"),
}
_CANONICAL: Final = {variant: canonical for canonical, group in VARIANTS.items() for variant in group}

# Letters in their own right, so NFKD leaves them whole; fold them the way English text does.
_LETTER_FOLDS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "œ": "oe", "þ": "th", "ħ": "h"}
)
# Removed without a space so O'Brien is one word. The acute accent (´) must go before NFKD,
# which would turn it into a space; ŉ and fullwidth ＇ only produce one after NFKD.
_JOINERS: Final = re.compile("['’‘ʼʻ`´′·]")
_COMMAS: Final = re.compile("[,،]")
_WORD: Final = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text; other punctuation is left to split on."""
    text = _JOINERS.sub("", text)
    # Fold case before decomposing: full folding turns ᾳ into αι, and decomposing first
    # would strip its iota as a mark instead.
    text = unicodedata.normalize("NFKD", text.casefold())
    # Decomposition can surface capitals (ℌ -> H), and casefold maps Cherokee small letters
    # to capitals, so fold again and finish with lower().
    text = "".join(ch for ch in text.casefold().lower() if not unicodedata.combining(ch))
    return _JOINERS.sub("", text.translate(_LETTER_FOLDS))


def _parts(name: str) -> list[list[str]]:
    """The folded words of ``name``, grouped by comma; empty groups are dropped."""
    if len(name) > MAX_NAME_LENGTH:
        raise NameQueryError(TOO_LONG)
    groups = (_WORD.findall(part) for part in _COMMAS.split(_fold(name)))
    return [words for words in groups if words]


def _strip_leading_titles(words: list[str]) -> list[str]:
    """``words`` without its leading titles, keeping at least the last word."""
    start = 0
    while start < len(words) - 1 and words[start] in TITLES:
        start += 1
    return words[start:]


def _given_names_first(parts: list[list[str]]) -> list[str]:
    """One word list from comma groups, with "Surname, Given Names" turned round."""
    # A later group made only of honorifics is "Jane Doe, PhD" or "Doe, Jane, Dr". The first
    # group always stays: a lone "Bishop" or "Lord" there is a surname.
    kept = parts[:1] + [words for words in parts[1:] if not set(words) <= TITLES | POST_NOMINALS]
    kept = [_strip_leading_titles(words) for words in kept]
    if len(kept) == 2:
        # Given names first, so the first/last-word and initial tokens line up with "Jane Doe".
        kept.reverse()
    return [word for words in kept for word in words]


def _drop_honorifics(words: list[str]) -> list[str]:
    """``words`` without titles and post-nominals; never empties a non-empty list."""
    # Post-nominals only from the third word on: the first two words are the name even when
    # they spell Ma or Ba (Wei Ma) or Md (Md Rahman).
    words = [word for i, word in enumerate(words) if i < 2 or word not in POST_NOMINALS]
    # The last word stays even if it is a title: there it is a surname (Jane Bishop, Aisha Sheikh).
    last = len(words) - 1
    return [word for i, word in enumerate(words) if i == last or word not in TITLES]


def _words(parts: list[list[str]]) -> list[str]:
    words = _drop_honorifics(_given_names_first(parts))
    return [_CANONICAL.get(word, word) for word in words]


def name_words(name: str) -> list[str]:
    """The normalised words of ``name``, in order (given names first for "Surname, Given").

    Callers may pass any text of at most ``MAX_NAME_LENGTH`` characters (longer raises
    :class:`NameQueryError`). The result may be empty (no letters) and is otherwise never
    empty: a name made only of titles keeps its last word.
    """
    return _words(_parts(name))


def _name_tokens(words: list[str]) -> set[str]:
    tokens = {"all:" + " ".join(sorted(words))}
    if len(words) >= 2:
        # Only for two or more words: a one-word name already has its all: token, and a pair
        # token there would let the query "Ahmad" find "Ahmad Ali Ahmad".
        tokens.add("pair:" + " ".join(sorted({words[0], words[-1]})))
    return tokens


def _initial_token(words: list[str]) -> str:
    return f"init:{words[0][0]} {words[-1]}"


def index_tokens(name: str) -> frozenset[str]:
    """The tokens to HMAC and store for a speaker's ``name``.

    Raises :class:`NameQueryError` if ``name`` is too long or has no letters or digits, so
    callers must handle it when importing records. Every token is lower-case and free of
    combining marks; the set is the same for any ordering of the words' ``all:`` part.
    """
    words = name_words(name)
    if not words:
        raise NameQueryError(TOO_SHORT)
    tokens = _name_tokens(words)
    if len(words) >= 2:
        tokens.add(_initial_token(words))
    return frozenset(tokens)


def _letters(words: Iterable[str]) -> int:
    return sum(ch.isalpha() for word in words for ch in word)


def query_tokens(name: str) -> frozenset[str]:
    """The tokens to HMAC and look up when searching for ``name``.

    Raises :class:`NameQueryError`, with a message for the user, for a query over
    ``MAX_NAME_LENGTH`` characters, with fewer than two letters once titles are removed, or
    made only of titles. A one-word query only finds one-word stored names, never a surname
    across everyone who shares it; "J. Doe" finds every stored name with first initial J
    and last word Doe, and nothing else.
    """
    parts = _parts(name)
    words = _words(parts)
    if _letters(words) < 2:
        raise NameQueryError(TOO_SHORT)
    if all(word in TITLES for words_ in parts for word in words_):
        raise NameQueryError(ONLY_TITLE)
    if len(words) >= 2 and len(words[0]) == 1:
        return frozenset({_initial_token(words)})
    return frozenset(_name_tokens(words))
