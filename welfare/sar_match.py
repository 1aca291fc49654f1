"""Does a record's subject look like the person a subject access request names? Pure (no database).

A subject access search must find every record about the requester (UK GDPR Art. 15; the ICO
expects a reasonable and proportionate search) and must not hand them another person's
records (Art. 15(4)). So a record is sorted into one of four answers:

* ``MATCH`` – the name matches, as the exchange's name search reads names
  (`sharing.names`): case, accents, spacing, invisible characters (zero-width space, soft
  hyphen), apostrophes ("O'Brien" = "OBrien" = "O Brien"), titles, word order and optional
  middle names do not matter, and a date of birth or student/staff number, where both sides
  have one, agrees. Included in the export.
* ``POSSIBLE`` – a near variant that a person must confirm before it is exported: the name
  is spelt slightly differently ("Zoë Ó Briain" and "Zoe O'Brien": edit distance of at most
  2 in each of the given and family names, or they are swapped), or the same student/staff
  number with a different name, or the same name with a different number. Listed, and
  included only when the reviewer ticks it.
* ``DIFFERENT`` – the date of birth differs (both known): another person with a similar
  name. Never listed; only counted.
* ``None`` – nothing in common.

A record with no date of birth or number is judged on its name alone.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from sharing.name_folding import fold
from sharing.names import NameQueryError, index_tokens, query_tokens

NAME_NEEDED: Final = "Enter the person's given name and family name (at least two letters between them)."
_NOT_LETTERS: Final = re.compile(r"[\W_]+")


class Verdict(enum.StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"
    DIFFERENT = "different"


class Why(enum.StrEnum):
    """Why a record was matched or offered; shown beside it."""

    NAME = "name"
    NAME_AND_DATE_OF_BIRTH = "name_and_date_of_birth"
    SIMILAR_NAME = "similar_name"
    SAME_REFERENCE = "same_reference"
    REFERENCE_DIFFERS = "reference_differs"
    DATE_OF_BIRTH_DIFFERS = "date_of_birth_differs"

    @property
    def label(self) -> str:
        return _WHY_LABELS[self]


_WHY_LABELS: Final = {
    Why.NAME: "Name matches",
    Why.NAME_AND_DATE_OF_BIRTH: "Name and date of birth match",
    Why.SIMILAR_NAME: "Similar name: check it is the same person",
    Why.SAME_REFERENCE: "Same student or staff number, different name: check it is the same person",
    Why.REFERENCE_DIFFERS: "Name matches but the student or staff number differs: check it is the same person",
    Why.DATE_OF_BIRTH_DIFFERS: "Different date of birth: another person",
}


@dataclass(frozen=True)
class SubjectQuery:
    """The person named in the request. Build with :func:`subject_query` (it validates)."""

    given_name: str
    family_name: str
    date_of_birth: date | None
    reference: str
    tokens: frozenset[str]
    given_key: str
    family_key: str


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    why: Why


class SubjectQueryError(ValueError):
    """Bad search input; ``errors`` maps each field to a message naming the fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _key(text: str) -> str:
    """A name part as one folded run of letters: "Ó Briain" -> "obriain", "O'Brien" -> "obrien"."""
    return _NOT_LETTERS.sub("", fold(text))


def _first_key(text: str) -> str:
    words = [w for w in _NOT_LETTERS.split(fold(text)) if w]
    return words[0] if words else ""


def normalise_reference(text: str) -> str:
    """A student or staff number compared without case, spaces, punctuation or invisible characters."""
    return _key(text or "")


def subject_query(
    *, given_name: str, family_name: str, date_of_birth: date | None = None, reference: str | None = None
) -> SubjectQuery:
    """Validate and prepare a search; raises SubjectQueryError naming the field and the fix."""
    given, family = (given_name or "").strip(), (family_name or "").strip()
    errors = {}
    if not _key(given):
        errors["given_name"] = "Enter the person's given name (first name), as they gave it in their request."
    if not _key(family):
        errors["family_name"] = "Enter the person's family name (surname), as they gave it in their request."
    if errors:
        raise SubjectQueryError(errors)
    try:
        tokens = query_tokens(f"{given} {family}")
    except NameQueryError:
        raise SubjectQueryError({"family_name": NAME_NEEDED}) from None
    return SubjectQuery(
        given_name=given,
        family_name=family,
        date_of_birth=date_of_birth,
        reference=normalise_reference(reference or ""),
        tokens=tokens,
        given_key=_first_key(given),
        family_key=_key(family),
    )


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short strings: names)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _close(a: str, b: str) -> bool:
    """Two folded name parts a person would take for spellings of one name."""
    if not a or not b:
        return False
    if a == b:
        return True
    shorter = min(len(a), len(b))
    allowed = 2 if shorter >= 5 else 1 if shorter >= 3 else 0
    return _distance(a, b) <= allowed


def name_matches(query: SubjectQuery, given_name: str, family_name: str) -> bool:
    try:
        return bool(query.tokens & index_tokens(f"{given_name} {family_name}"))
    except NameQueryError:
        return False


def name_similar(query: SubjectQuery, given_name: str, family_name: str) -> bool:
    given, family = _first_key(given_name), _key(family_name)
    return (_close(query.given_key, given) and _close(query.family_key, family)) or (
        _close(query.given_key, family) and _close(query.family_key, given)
    )


def judge(
    query: SubjectQuery,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    reference: str | None = None,
) -> Judgement | None:
    """How a record whose subject has these details relates to the requester (see the module)."""
    same_name = name_matches(query, given_name, family_name)
    similar = same_name or name_similar(query, given_name, family_name)
    number = normalise_reference(reference or "")
    same_number = bool(query.reference and number and query.reference == number)
    if not similar and not same_number:
        return None
    if query.date_of_birth and date_of_birth and query.date_of_birth != date_of_birth:
        return Judgement(Verdict.DIFFERENT, Why.DATE_OF_BIRTH_DIFFERS)
    if not same_name:
        return Judgement(Verdict.POSSIBLE, Why.SAME_REFERENCE if same_number else Why.SIMILAR_NAME)
    if query.reference and number and not same_number:
        return Judgement(Verdict.POSSIBLE, Why.REFERENCE_DIFFERS)
    if query.date_of_birth and date_of_birth:
        return Judgement(Verdict.MATCH, Why.NAME_AND_DATE_OF_BIRTH)
    return Judgement(Verdict.MATCH, Why.NAME)
