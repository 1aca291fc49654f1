"""Character-level folding for name search: invisible characters, letter variants, look-alikes.

`fold` turns a name into lower-case, accent-free text; `sharing/names.py` splits that into
words and makes tokens. Each rule below is listed, with its source, in ``sharing/NAMES.md``.
Any change to the output changes the stored blind index (bump ``names.NAMES_VERSION`` and
run ``manage.py exchange_reindex``).

Data sources:

* Default-ignorable code points: the ``Default_Ignorable_Code_Point`` ranges of Unicode
  15.1.0 ``DerivedCoreProperties.txt`` (transcribed below: Python's ``unicodedata`` has the
  general category, not this property), plus every format character (category ``Cf``).
* Scripts and confusable prototypes: the copies of Unicode ``Scripts.txt`` and
  ``confusables.txt`` (UTS #39) bundled with confusable-homoglyphs 3.3.1, read as data.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections import Counter
from importlib import resources
from typing import Any, Final

__all__ = [
    "DEFAULT_IGNORABLE_RANGES",
    "SCRIPT_LETTER_VARIANTS",
    "fold",
    "has_spellings",
    "is_invisible",
    "script_of",
    "unmix_scripts",
]

# Unicode 15.1.0 DerivedCoreProperties.txt, Default_Ignorable_Code_Point (inclusive ranges).
DEFAULT_IGNORABLE_RANGES: Final = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER..JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ..AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x206F),  # WORD JOINER..NOMINAL DIGIT SHAPES (incl. reserved 2065)
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..16
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT LETTER OVERLAP..UP STEP
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0FFF),  # tags, VARIATION SELECTOR-17..256, reserved
)
_IGNORABLE_STARTS: Final = [start for start, _ in DEFAULT_IGNORABLE_RANGES]

# Letters in their own right, so NFKD leaves them whole; fold them the way English text does.
# ø has two spellings like the umlauts: "o" when accents are dropped, "oe" when spelt out.
_LETTER_FOLDS: Final = {"æ": "ae", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "œ": "oe", "þ": "th", "ħ": "h"}
_DROPPED: Final = str.maketrans({**_LETTER_FOLDS, "ø": "o"})
_SPELT_OUT: Final = str.maketrans({**_LETTER_FOLDS, "ø": "oe"})

# Letter variants within one script: the same letter of a name, written differently by
# region or position. Applied after NFKD, which already turns أ إ آ into ا, ؤ into و, ئ and
# ۓ into ي/ے, ۀ into ە, and Greek final ς (by case folding) into σ.
SCRIPT_LETTER_VARIANTS: Final = {
    # Arabic script (Arabic, Persian, Urdu, Pashto, Kurdish): yeh, kaf, heh/teh marbuta, alef.
    "ی": "ي",  # U+06CC Farsi yeh
    "ى": "ي",  # U+0649 alef maksura
    "ے": "ي",  # U+06D2 Urdu yeh barree
    "ک": "ك",  # U+06A9 keheh (Persian kaf)
    "ڪ": "ك",  # U+06AA swash kaf
    "ة": "ه",  # U+0629 teh marbuta
    "ۃ": "ه",  # U+06C3 teh marbuta goal
    "ہ": "ه",  # U+06C1 heh goal (Urdu)
    "ھ": "ه",  # U+06BE heh doachashmee
    "ە": "ه",  # U+06D5 ae (Kurdish heh)
    "ٱ": "ا",  # U+0671 alef wasla
    "ٲ": "ا",  # U+0672 alef with wavy hamza above
    "ٳ": "ا",  # U+0673 alef with wavy hamza below
    "ـ": "",  # U+0640 tatweel (a stretch, not a letter)
    # Hebrew final forms.
    "ך": "כ",
    "ם": "מ",
    "ן": "נ",
    "ף": "פ",
    "ץ": "צ",
}
_SCRIPT_VARIANTS: Final = str.maketrans(SCRIPT_LETTER_VARIANTS)

# Removed without a space so O'Brien is one word. The acute accent (´) must go before NFKD,
# which would turn it into a space; ŉ and fullwidth ＇ only produce one after NFKD.
_JOINERS: Final = re.compile("['’‘ʼʻ`´′·]")
# A, O, U with a diaeresis (German/Swedish/Turkish umlauts) and A with a ring, after NFKD.
_UMLAUT: Final = re.compile("([aou])\u0308|(a)\u030a")
_RUN: Final = re.compile(r"[^\W_]+")
_NOT_SCRIPTS: Final = frozenset({"COMMON", "INHERITED", "Unknown"})


def is_invisible(ch: str) -> bool:
    """True for a default-ignorable code point or a format character (removed from names)."""
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    i = bisect.bisect_right(_IGNORABLE_STARTS, code) - 1
    return i >= 0 and code <= DEFAULT_IGNORABLE_RANGES[i][1]


def _spell_umlaut(match: re.Match[str]) -> str:
    return match[1] + "e" if match[1] else "aa"


def _base_fold(text: str, *, spell_out: bool) -> str:
    # Fold case before decomposing: full folding turns ᾳ into αι, and decomposing first
    # would strip its iota as a mark instead.
    text = unicodedata.normalize("NFKD", text.casefold())
    if spell_out:
        text = _UMLAUT.sub(_spell_umlaut, text)
    # Decomposition can surface capitals (ℌ -> H), and casefold maps Cherokee small letters
    # to capitals, so fold again and finish with lower().
    text = "".join(ch for ch in text.casefold().lower() if not unicodedata.combining(ch))
    return text.translate(_SPELT_OUT if spell_out else _DROPPED).translate(_SCRIPT_VARIANTS)


def has_spellings(text: str) -> bool:
    """True if ``text`` has a letter that :func:`fold` spells differently with ``spell_out``."""
    folded = text.casefold()
    return "ø" in folded or bool(_UMLAUT.search(unicodedata.normalize("NFKD", folded)))


def fold(text: str, *, spell_out: bool = False) -> str:
    """Lower-case, accent-free, apostrophe-free text; other punctuation is left to split on.

    ``spell_out`` writes ä ö ü as ae oe ue, å as aa and ø as oe (the German and Scandinavian
    spellings); otherwise their marks are dropped like any accent. Invisible characters go
    first, without a space ("Tobi\\u200bas" is "tobias"); a word mixing scripts is then
    read in its main script (see :func:`unmix_scripts`).
    """
    if not text.isascii():  # ASCII has no default-ignorable or format characters
        text = "".join(ch for ch in text if ch < "\x80" or not is_invisible(ch))
    text = _JOINERS.sub("", text)
    text = _JOINERS.sub("", _base_fold(text, spell_out=spell_out))
    return unmix_scripts(text)


# --- mixed-script look-alikes (UTS #39) -----------------------------------------------------


def _data(name: str) -> Any:
    with resources.files("confusable_homoglyphs").joinpath(name).open(encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def _script_table() -> tuple[list[int], list[tuple[int, int, str]]]:
    data = _data("categories.json")
    aliases = [str(alias) for alias in data["iso_15924_aliases"]]
    ranges = [(int(lo), int(hi), aliases[int(alias)]) for lo, hi, alias, _ in data["code_points_ranges"]]
    return [lo for lo, _, _ in ranges], ranges


@functools.cache
def _prototypes() -> dict[str, list[str]]:
    """confusables.txt as confusable-homoglyphs stores it: a character's prototype, or for a
    prototype, the characters confusable with it."""
    data = _data("confusables.json")
    return {str(char): [str(h["c"]) for h in entries] for char, entries in data.items()}


@functools.lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """The Unicode script of ``ch`` (``LATIN``, ``CYRILLIC``, ``ARABIC``, ``COMMON``, …)."""
    starts, ranges = _script_table()
    i = bisect.bisect_right(starts, ord(ch)) - 1
    if i >= 0 and ord(ch) <= ranges[i][1]:
        return ranges[i][2]
    return "Unknown"


def _scripts(text: str) -> Counter[str]:
    return Counter(s for ch in text if ch.isalpha() and (s := script_of(ch)) not in _NOT_SCRIPTS)


@functools.cache
def _look_alike(ch: str, script: str) -> str | None:
    """The letter of ``script`` that ``ch`` is confusable with (UTS #39 prototypes), folded, or None.

    The lower-case letter's own prototype is tried first, then its capital's: Cyrillic а is
    Latin a, and Cyrillic н (prototype ʜ, a small capital with no case pair) is read through
    Н as h. Only letters with case pairs count in cased scripts, so names fold the same in any
    case.
    """
    for candidate in (*_prototypes().get(ch, ()), *_prototypes().get(ch.upper(), ())):
        folded = _base_fold(candidate, spell_out=False)
        if len(folded) == 1 and script_of(folded) == script and not (folded.islower() and folded.upper() == folded):
            return folded
    return None


def _to_script(word: str, script: str, *, whole: bool) -> str:
    """``word`` with its letters of other scripts replaced by look-alikes in ``script``.

    ``whole``: change nothing unless every such letter has a look-alike.
    """
    out = []
    for ch in word:
        other = ch.isalpha() and script_of(ch) not in (_NOT_SCRIPTS | {script})
        mapped = _look_alike(ch, script) if other else ch
        if mapped is None and whole:
            return word
        out.append(mapped or ch)
    return "".join(out)


def _main_script(word: str, counts: Counter[str]) -> str:
    """The script with most letters in ``word``. On a tie Latin (the script searchers type
    in), else the first by name that every other letter can be read in; never the context,
    so a title or another word cannot change how a word is read."""
    most = max(counts.values())
    tied = sorted(script for script, count in counts.items() if count == most)
    if "LATIN" in tied:
        return "LATIN"
    for script in tied:
        if _to_script(word, script, whole=True) != word:
            return script
    return tied[0]


def unmix_scripts(text: str) -> str:
    """Folded ``text`` with each mixed-script word read in one script (UTS #39 confusables).

    A word mixing scripts ("M\u0430rta": Latin with one Cyrillic а) has each letter of a
    minority script replaced by its look-alike in the word's main script, where one exists.
    Words in one script are untouched: a Cyrillic name stays Cyrillic, a Cyrillic word beside
    a Latin one stays Cyrillic, and Latin m is never read as rn (the full UTS #39 skeleton
    would merge such single-script names).
    """

    def unmix(match: re.Match[str]) -> str:
        word = match[0]
        if word.isascii() or len({script_of(ch) for ch in word if ch.isalpha()} - _NOT_SCRIPTS) <= 1:
            return word
        return _to_script(word, _main_script(word, _scripts(word)), whole=False)

    return text if text.isascii() else _RUN.sub(unmix, text)
