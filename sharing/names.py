"""Plaintext search tokens for speakers' public names.

The exchange never stores a name. It stores keyed HMACs (blind indexes) of the tokens made
here; a search HMACs :func:`query_tokens` and looks them up. A query matches a stored name
when ``query_tokens(query) & index_tokens(stored)`` is non-empty. ``sharing/NAMES.md`` lists
which variations match and why the others deliberately do not.

In short: the query's words must be the stored name's first and last names (a hyphenated
name is one name) plus any of its middle names, in any order; or every word of it, with
hyphens read as spaces. Characters are folded first by :mod:`sharing.name_folding`.

Pure (no database). Any change to the output changes the index: bump ``NAMES_VERSION`` and
run ``manage.py exchange_reindex``, which recomputes every stored check's tokens.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Final

from sharing.name_folding import fold, has_spellings

__all__ = [
    "MAX_MIDDLE_NAMES",
    "MAX_NAME_LENGTH",
    "MAX_SPELT_NAMES",
    "NAMES_VERSION",
    "VERSION_TOKEN",
    "POST_NOMINALS",
    "TITLES",
    "VARIANTS",
    "NameQueryError",
    "index_tokens",
    "NEEDS_A_LETTER",
    "has_a_letter",
    "name_words",
    "query_tokens",
]

MAX_NAME_LENGTH: Final = 200
# Version of the rules below. Every stored check carries VERSION_TOKEN among its tokens, so
# `exchange_reindex` can tell which checks still have tokens made by older rules.
NAMES_VERSION: Final = 3
VERSION_TOKEN: Final = f"version:{NAMES_VERSION}"
# Middle names that may each be left out or given as an initial; beyond this many, the middle
# names are given in full or left out all together (keeps a name's tokens under 30).
MAX_MIDDLE_NAMES: Final = 3
# Names with an umlaut that may each be spelt either way (see `_forms`).
MAX_SPELT_NAMES: Final = 3

TOO_SHORT: Final = "Enter at least two letters of the speaker's name."
ONLY_TITLE: Final = "Enter the speaker's name, not only a title."
TOO_LONG: Final = f"Enter a name of at most {MAX_NAME_LENGTH} characters."
NEEDS_A_LETTER: Final = (
    "A speaker's name needs at least one letter: type the name as the speaker is publicly known "
    "(invisible characters, punctuation and accents on their own are not a name)."
)


class NameQueryError(ValueError):
    """A name that cannot be indexed or searched. ``str(error)`` is safe to show the user."""


# Words dropped before a name ("Sgt Fiona McAllister") and anywhere except the last name.
# Grouped by kind; see sharing/NAMES.md ("Titles and post-nominals") for the rule on what may
# join. A word that is also a common given name (Dean, Justice, Major, Gen, Rav, Nana, Sri, Obi,
# Kumari, Begum, Syed, Baba, Wo) is deliberately left out: dropping it would merge "Dean Smith" with "Smith".
_TITLE_GROUPS: Final = {
    "forms of address": "mr mrs ms miss mx master madam madame mme mlle monsieur herr frau senor senora "
    "senorita sig sra thiru thirumathi",
    "academic and professional": "dr doctor prof professor assoc emeritus dott engr barr arc",
    "civic and legal": "hon honourable honorable rt right the cllr councillor alderman mayor judge hhj",
    "peerage and knighthood": "sir dame lord lady baroness viscount viscountess countess marquess",
    "military and police ranks": "pte lcpl cpl sgt sergeant serjeant ssgt csgt wo1 wo2 lt lieut lieutenant "
    "capt captain maj col colonel brig brigadier general cdr cmdr commander lcdr adm admiral cdre commodore "
    "flt wg sqn ldr pc wpc dc insp inspector supt superintendent dci dsi constable retd rtd",
    "Christian": "rev revd reverend very ven venerable fr father br brother sister pastor bishop archbishop "
    "canon archdeacon cardinal monsignor msgr mgr abbot abbess deacon deaconess evangelist apostle prophet "
    "prophetess chaplain vicar",
    "Jewish": "rabbi rebbetzin cantor chazzan hazzan",
    "Muslim": "imam sheikh shaykh sheik shaikh sheikha shaykha ustadh ustadha ustaz ustaza ustad maulana "
    "moulana mawlana maulvi molvi mufti allama qari hafiz hafiza ayatollah alhaji alhaja alhajji hajia "
    "hajiya haji hajji mallam malam",
    "Hindu, Sikh and Jain": "shri shree shrimati smt sushri swami pandit sadhvi giani bhai sant",
    "West African chieftaincy": "chief oba otunba",
}
TITLES: Final = frozenset(word for words in _TITLE_GROUPS.values() for word in words.split())
# Words dropped after a name, from the third name on ("Fiona McAllister QPM"), or in a comma
# group of their own ("Jane Doe, PhD"). MA, BA and MD stay names in the first two names (Wei Ma).
# "MC" is left out: "Mc" is a name prefix ("Angus Mc Allister").
_POST_NOMINAL_GROUPS: Final = {
    "degrees": "phd dphil md ma ba bsc msc mphil mres mba llb llm lld edd dsc dlitt dd beng meng bed med mbbs mbchb",
    "honours and decorations": "obe mbe cbe kbe dbe gbe bem cb kcb gcb cmg kcmg gcmg cvo lvo mvo kcvo gcvo "
    "vc gc dso dfc afc qpm kpm qfsm qgm gm td pc jp dl",
    "fellowships and memberships": "frs fba frsa frse freng fmedsci frcp frcs frcgp frcpsych frcpch frsl "
    "fras fhea sfhea pfhea fca aca acca fcipd mcipd mbacp rn rgn rmn",
    "legal and political": "qc kc sc mp msp mla mep",
    "generational and retired": "jr jnr snr sr ii iii iv retd rtd ret",
}
POST_NOMINALS: Final = frozenset(word for words in _POST_NOMINAL_GROUPS.values() for word in words.split())

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
    "yusuf": ("yousef", "yousif", "youssef", "yusef", "yousuf"),
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

_COMMAS: Final = re.compile("[,،]")
# One name may be several parts joined by hyphens (Müller-Okafor, Anne-Marie, Min-jun): the
# hyphen-minus, the Unicode hyphens and dashes, and the Hebrew maqaf.
_UNIT: Final = re.compile(r"[^\W_]+(?:[-‐‑‒–־][^\W_]+)*")
_PART: Final = re.compile(r"[^\W_]+")

Unit = tuple[str, ...]
"""One name: its hyphen-joined parts ("Müller-Okafor" is ("muller", "okafor"))."""


def _units(text: str) -> list[Unit]:
    return [tuple(_PART.findall(unit)) for unit in _UNIT.findall(text)]


# An aside in brackets: "Sgt (retd) Fiona McAllister", "Robert (Bob) Okafor".
_ASIDE: Final = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# Name prefixes written as a word of their own: "Angus Mc Allister" is McAllister.
_JOINED_PREFIXES: Final = frozenset({"mc"})
# A one-letter prefix that may also be a middle initial: "Seamus O Connell" is read both ways.
_OPTIONAL_PREFIXES: Final = frozenset({"o"})


def _without_asides(folded: str) -> str:
    """``folded`` without bracketed asides, unless that would leave no letters or digits."""
    stripped = _ASIDE.sub(" ", folded)
    return stripped if _UNIT.search(stripped) else folded


def _join_prefixes(units: list[Unit], prefixes: frozenset[str]) -> list[Unit]:
    """``units`` with each one-part name in ``prefixes`` joined to the name after it."""
    joined: list[Unit] = []
    i = 0
    while i < len(units):
        if _is(units[i], prefixes) and i + 1 < len(units):
            joined.append((units[i][0] + units[i + 1][0], *units[i + 1][1:]))
            i += 2
        else:
            joined.append(units[i])
            i += 1
    return joined


def _parts(name: str, *, spell_out: bool = False) -> list[list[Unit]]:
    """The folded names of ``name``, grouped by comma; asides in brackets and empty groups are dropped."""
    if len(name) > MAX_NAME_LENGTH:
        raise NameQueryError(TOO_LONG)
    folded = _without_asides(fold(name, spell_out=spell_out))
    groups = (_join_prefixes(_units(part), _JOINED_PREFIXES) for part in _COMMAS.split(folded))
    return [units for units in groups if units]


def _is(unit: Unit, words: frozenset[str]) -> bool:
    return len(unit) == 1 and unit[0] in words


def _strip_leading_titles(units: list[Unit]) -> list[Unit]:
    """``units`` without its leading titles, keeping at least the last one."""
    start = 0
    while start < len(units) - 1 and _is(units[start], TITLES):
        start += 1
    return units[start:]


def _given_names_first(groups: list[list[Unit]]) -> list[Unit]:
    """One list from comma groups, with "Surname, Given Names" turned round."""
    # A later group made only of honorifics is "Jane Doe, PhD" or "Doe, Jane, Dr". The first
    # group always stays: a lone "Bishop" or "Lord" there is a surname.
    honorifics = TITLES | POST_NOMINALS
    kept = groups[:1] + [units for units in groups[1:] if not all(_is(u, honorifics) for u in units)]
    kept = [_strip_leading_titles(units) for units in kept]
    if len(kept) == 2:
        # Given names first, so the first/last-name and initial tokens line up with "Jane Doe".
        kept.reverse()
    return [unit for units in kept for unit in units]


def _drop_honorifics(units: list[Unit]) -> list[Unit]:
    """``units`` without titles and post-nominals; never empties a non-empty list."""
    # Post-nominals only from the third name on: the first two are the name even when they
    # spell Ma or Ba (Wei Ma) or Md (Md Rahman).
    units = [unit for i, unit in enumerate(units) if i < 2 or not _is(unit, POST_NOMINALS)]
    # The last stays even if it is a title: there it is a surname (Jane Bishop, Aisha Sheikh).
    last = len(units) - 1
    return [unit for i, unit in enumerate(units) if i == last or not _is(unit, TITLES)]


def _canonical(groups: list[list[Unit]]) -> list[Unit]:
    units = _drop_honorifics(_given_names_first(groups))
    return [tuple(_CANONICAL.get(part, part) for part in unit) for unit in units]


def _forms(name: str) -> list[list[Unit]]:
    """The names of ``name`` with accents dropped, then with umlauts spelt out in each mix.

    Each name with an umlaut (or å, ø) may be spelt either way independently of the others
    ("Jorg Mueller" for Jörg Müller), for up to ``MAX_SPELT_NAMES`` such names; beyond that,
    all one way or all the other. Within one name the choice is all or nothing.
    """
    dropped = _canonical(_parts(name))
    if not has_spellings(name):
        return [dropped]
    spelt = _canonical(_parts(name, spell_out=True))
    differ = [i for i, (a, b) in enumerate(zip(dropped, spelt, strict=False)) if a != b]
    if not differ:
        return [dropped]
    if len(dropped) != len(spelt) or len(differ) > MAX_SPELT_NAMES:
        return [dropped, spelt]
    forms = []
    for choice in itertools.product((False, True), repeat=len(differ)):
        form = list(dropped)
        for i, spell in zip(differ, choice, strict=True):
            form[i] = spelt[i] if spell else dropped[i]
        forms.append(form)
    return forms


def _with_prefix_readings(forms: list[list[Unit]]) -> list[list[Unit]]:
    """``forms`` plus, for a form with a one-letter prefix such as "O Connell", the joined reading."""
    extra = [_join_prefixes(form, _OPTIONAL_PREFIXES) for form in forms]
    return forms + [form for form in extra if form not in forms]


def name_units(name: str) -> list[Unit]:
    """The normalised names of ``name``, in order (given names first for "Surname, Given").

    Accents are dropped (Müller is ``("muller",)``). Callers may pass any text of at most
    ``MAX_NAME_LENGTH`` characters (longer raises :class:`NameQueryError`). The result may be
    empty (no letters) and is otherwise never empty: a name made only of titles keeps its last.
    """
    return _forms(name)[0]


def name_words(name: str) -> list[str]:
    """The words of :func:`name_units`, hyphenated names split into their parts."""
    return [part for unit in name_units(name) for part in unit]


def has_a_letter(name: str) -> bool:
    """Whether ``name`` keeps at least one letter once folded as search folds it.

    False for text made only of invisible or format characters ("\\u200b", "\\u202e"),
    punctuation ("!!!", "--") or combining marks on their own ("\\u0301"): such a name has
    no search tokens, so a check shared from it could never be found. Intake (the speaker
    request page, the API and CSV import) refuses those names with :data:`NEEDS_A_LETTER`,
    so "accepted" and "searchable" are decided by the same folding. A name over
    ``MAX_NAME_LENGTH`` characters is not judged here (the length rule reports it): True.
    """
    try:
        return _letters(name_units(name)) > 0
    except NameQueryError:
        return True


def _token(words: Iterable[str]) -> str:
    return "name:" + " ".join(sorted(words))


def _middle_choices(middles: list[str]) -> Iterator[list[str]]:
    """Each middle name left out, given in full, or given as its initial."""
    if len(middles) > MAX_MIDDLE_NAMES:
        yield from ([], middles)
        return
    for chosen in itertools.product(*[("", middle, middle[0]) for middle in middles]):
        yield [middle for middle in chosen if middle]


def _stored_tokens(units: list[Unit]) -> set[str]:
    joined = ["".join(unit) for unit in units]
    tokens = {_token(part for unit in units for part in unit), _token(joined)}
    if len(units) >= 2:
        first, last = joined[0], joined[-1]
        tokens.update(_token([first, *chosen, last]) for chosen in _middle_choices(joined[1:-1]))
        tokens.add(f"init:{first[0]} {last}")
    return tokens


def index_tokens(name: str) -> frozenset[str]:
    """The tokens to HMAC and store for a speaker's ``name``, with :data:`VERSION_TOKEN`.

    Raises :class:`NameQueryError` if ``name`` is too long or has no letters or digits, so
    callers must handle it when importing records. Every token is lower-case and free of
    combining marks. Typically 3 to 10 tokens; at most 2^MAX_SPELT_NAMES x (3^MAX_MIDDLE_NAMES + 3).
    """
    forms = _with_prefix_readings(_forms(name))
    if not forms[0]:
        raise NameQueryError(TOO_SHORT)
    tokens = {VERSION_TOKEN}
    for units in forms:
        tokens |= _stored_tokens(units)
    return frozenset(tokens)


def _letters(units: Iterable[Unit]) -> int:
    return sum(ch.isalpha() for unit in units for part in unit for ch in part)


def query_tokens(name: str) -> frozenset[str]:
    """The tokens to HMAC and look up when searching for ``name``.

    Raises :class:`NameQueryError`, with a message for the user, for a query over
    ``MAX_NAME_LENGTH`` characters, with fewer than two letters once titles are removed, or
    made only of titles. A one-name query only finds one-name stored names, never a surname
    across everyone who shares it; "J. Doe" finds every stored name with first initial J
    and last name Doe, and nothing else.
    """
    forms = _with_prefix_readings(_forms(name))
    if _letters(forms[0]) < 2:
        raise NameQueryError(TOO_SHORT)
    if all(_is(unit, TITLES) for units in _parts(name) for unit in units):
        raise NameQueryError(ONLY_TITLE)
    initial = len(forms[0]) >= 2 and len("".join(forms[0][0])) == 1
    tokens = set()
    for units in forms:
        joined = ["".join(unit) for unit in units]
        if initial:
            tokens.add(f"init:{joined[0][0]} {joined[-1]}")
        else:
            tokens |= {_token(joined), _token(part for unit in units for part in unit)}
    return frozenset(tokens)
