"""Generated cases for each kind of name variation in sharing/NAMES.md, beyond the tables.

Names are built from invented parts; hypothesis chooses the parts and where the variation goes.
"""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.name_folding import DEFAULT_IGNORABLE_RANGES, SCRIPT_LETTER_VARIANTS
from sharing.names import (
    MAX_NAME_LENGTH,
    POST_NOMINALS,
    TITLES,
    NameQueryError,
    index_tokens,
    name_words,
    query_tokens,
)

# No example database: these tests must not write files into the working tree.
quick = settings(database=None, deadline=None, max_examples=200)


def _matches(query, stored):
    return bool(query_tokens(query) & index_tokens(stored))


def _outcome(tokens, name):
    """The tokens, or the message of the refusal, so refusals are compared too."""
    try:
        return tokens(name)
    except NameQueryError as error:
        return str(error)


latin_word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).map(str.capitalize)
# Plain words: not titles, post-nominals or listed transliterations, so kept as they are anywhere.
plain = latin_word.filter(
    lambda w: all(
        name_words(f"{before} {w} {after}".strip()) == [*before.split(), w.lower(), *after.split()]
        for before, after in (("", "a b"), ("a", "b"), ("a b", "c"), ("a b", ""))
    )
)
latin_name = st.lists(plain, min_size=2, max_size=4, unique=True).map(" ".join)

# --- invisible characters -------------------------------------------------------------------

invisible = st.one_of(
    st.sampled_from([chr(lo) for lo, _ in DEFAULT_IGNORABLE_RANGES] + [chr(hi) for _, hi in DEFAULT_IGNORABLE_RANGES]),
    st.characters(categories=["Cf"]),
)


@quick
@given(latin_name, st.lists(st.tuples(st.integers(min_value=0), invisible), min_size=1, max_size=4))
def test_invisible_characters_anywhere_in_a_name_change_nothing(name, insertions):
    spoofed = name
    for position, ch in insertions:
        i = position % (len(spoofed) + 1)
        spoofed = spoofed[:i] + ch + spoofed[i:]

    assert index_tokens(spoofed) == index_tokens(name)
    assert query_tokens(spoofed) == query_tokens(name)


# --- Arabic-script letter variants ----------------------------------------------------------

arabic_letters = "ابتثجحخدذرسشصضطظعغفقلمنهوي" + "".join(SCRIPT_LETTER_VARIANTS).replace("\u0640", "")
arabic_word = st.text(arabic_letters, min_size=2, max_size=7)
_VARIANTS_OF = {}
for variant, base in SCRIPT_LETTER_VARIANTS.items():
    if base:
        _VARIANTS_OF.setdefault(base, [base]).append(variant)


@quick
@given(st.lists(arabic_word, min_size=2, max_size=3), st.randoms(use_true_random=False))
def test_each_arabic_letter_variant_finds_the_others(words, rng):
    name = " ".join(words)
    respelt = "".join(rng.choice(_VARIANTS_OF.get(ch, [ch])) for ch in name)

    assert _matches(respelt, name)
    assert _matches(name, respelt)


# --- mixed-script look-alikes ---------------------------------------------------------------

LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "i": "і", "j": "ј", "s": "ѕ"}


@quick
@given(latin_name, st.integers(min_value=0))
def test_one_cyrillic_look_alike_in_a_latin_name_is_read_as_latin(name, position):
    spots = [i for i, ch in enumerate(name) if ch in LOOK_ALIKES]
    if not spots:
        return
    i = spots[position % len(spots)]
    spoofed = name[:i] + LOOK_ALIKES[name[i]] + name[i + 1 :]

    assert _matches(name, spoofed)
    assert _matches(spoofed, name)


cyrillic_word = st.text("абвгдежзиклмнопрстуфхцчшщыэюя", min_size=3, max_size=8)


@quick
@given(st.lists(cyrillic_word, min_size=2, max_size=3, unique=True))
def test_a_name_wholly_in_cyrillic_stays_cyrillic(words):
    name = " ".join(words)

    assert all(unicodedata.name(ch).startswith("CYRILLIC") for word in name_words(name) for ch in word)


# --- umlauts --------------------------------------------------------------------------------

UMLAUTS = {"ä": ("a", "ae"), "ö": ("o", "oe"), "ü": ("u", "ue")}


@quick
@given(plain, plain, st.sampled_from(sorted(UMLAUTS)), st.integers(min_value=0))
def test_an_umlaut_finds_the_bare_vowel_and_the_vowel_with_e(given_name, surname, umlaut, position):
    i = position % len(surname)
    stored = f"{given_name} {surname[:i]}{umlaut}{surname[i:]}"
    bare, spelt = (stored.replace(umlaut, form) for form in UMLAUTS[umlaut])

    assert _matches(bare, stored) and _matches(spelt, stored)
    assert _matches(stored, bare) and _matches(stored, spelt)
    assert not _matches(bare, spelt)


# --- over-matching: hyphenated names, extra and missing names -------------------------------


@quick
@given(st.lists(plain, min_size=4, max_size=4, unique=True))
def test_part_of_a_hyphenated_surname_finds_nothing_and_the_whole_finds_it(words):
    given_name, first_part, second_part, other = words
    stored = f"Prof. {given_name} {first_part}-{second_part}"

    assert _matches(f"{given_name} {first_part}-{second_part}", stored)
    assert _matches(f"{given_name} {first_part} {second_part}", stored)
    assert not _matches(f"{given_name} {second_part}", stored)
    assert not _matches(f"{given_name} {first_part}", stored)
    assert not _matches(f"{given_name} {other}-{second_part}", stored)


@quick
@given(st.lists(plain, min_size=2, max_size=5, unique=True), plain, st.integers(min_value=0))
def test_a_query_with_a_name_the_record_lacks_does_not_find_it(words, extra, position):
    if extra in words:
        return
    stored = " ".join(words)
    i = 1 + position % (len(words) - 1)
    query = " ".join([*words[:i], extra, *words[i:]])

    assert not _matches(query, stored)


@quick
@given(st.lists(plain, min_size=3, max_size=5, unique=True), st.data())
def test_a_query_leaving_out_middle_names_or_giving_initials_finds_the_record(words, data):
    first, *middles, last = words
    kept = [data.draw(st.sampled_from(["", m, m[0]])) for m in middles]

    assert _matches(" ".join([first, *[k for k in kept if k], last]), " ".join(words))


@quick
@given(st.lists(plain, min_size=3, max_size=4, unique=True))
def test_leaving_out_the_first_or_the_last_name_finds_nothing(words):
    stored = " ".join(words)

    assert not _matches(" ".join(words[1:]), stored)
    assert not _matches(" ".join(words[:-1]), stored)


# --- general properties (all scripts) -------------------------------------------------------

letters = st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo"])


def _position_independent(word):
    """False for titles and post-nominals in any spelling (MD, Ｄｒ), which are dropped by position."""
    folded = name_words(word)
    return name_words(f"{word} aa bb") == [*folded, "aa", "bb"] and name_words(f"aa bb {word}") == ["aa", "bb", *folded]


plain_words = st.text(letters, min_size=1, max_size=8).filter(_position_independent)
tricky_words = st.sampled_from(
    [
        "ma",
        "md",
        "bishop",
        "lord",
        "phd",
        "j",
        "mohammed",
        "zoë",
        "o'brennick",
        "ø",
        "ß",
        "İ",
        "ŉ",
        "ᾳ",
        "müller-okafor",
    ]
)
words = st.one_of(plain_words, tricky_words)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)


@quick
@given(names)
def test_tokens_do_not_depend_on_case(name):
    for tokens in (index_tokens, query_tokens):
        assert _outcome(tokens, name.upper()) == _outcome(tokens, name) == _outcome(tokens, name.lower())


# Every listed title, of every tradition, alone or two together ("Lt Col", "The Rt Hon"), with a dot or not.
any_title = st.lists(st.sampled_from(sorted(TITLES)), min_size=1, max_size=2).map(
    lambda ws: " ".join(w.capitalize() for w in ws)
)


@quick
@given(names, st.one_of(st.sampled_from(["Dr", "Prof.", "Rabbi", "Imam", "Sheikh", "The Rt Hon", "Capt."]), any_title))
def test_tokens_do_not_depend_on_a_leading_title(name, title):
    for tokens in (index_tokens, query_tokens):
        assert _outcome(tokens, f"{title} {name}") == _outcome(tokens, name)


@quick
@given(
    st.lists(plain, min_size=2, max_size=3, unique=True).map(" ".join),
    st.lists(st.sampled_from(sorted(POST_NOMINALS)), min_size=1, max_size=3).map(lambda ws: " ".join(ws).upper()),
)
def test_post_nominals_after_a_full_name_change_nothing(name, letters):
    assert index_tokens(f"{name} {letters}") == index_tokens(name)
    assert index_tokens(f"{name}, {letters}") == index_tokens(name)
    assert _matches(name, f"{name} {letters}")


@quick
@given(
    st.lists(plain, min_size=2, max_size=3, unique=True),
    st.text("abcdefghijklmnopqrstuvwxyz .-'", min_size=1, max_size=20),
    st.integers(min_value=0),
)
def test_an_aside_in_brackets_anywhere_changes_nothing(words, aside, position):
    i = position % (len(words) + 1)
    written = " ".join([*words[:i], f"({aside})", *words[i:]])
    assert index_tokens(written) == index_tokens(" ".join(words))


@quick
@given(st.lists(plain_words, min_size=2, max_size=4).flatmap(lambda ws: st.tuples(st.just(ws), st.permutations(ws))))
def test_a_full_name_query_does_not_depend_on_word_order(orders):
    original, shuffled = orders
    stored = " ".join(original)
    if isinstance(_outcome(query_tokens, " ".join(shuffled)), str) or len(name_words(shuffled[0])) != 1:
        return
    if len(shuffled[0]) == 1 or len(name_words(stored)) < 2:
        return  # an initial first asks for the initial token only

    assert _matches(" ".join(shuffled), stored)


@quick
@given(names)
def test_every_name_finds_itself(name):
    if isinstance(_outcome(query_tokens, name), str) or isinstance(_outcome(index_tokens, name), str):
        return

    assert _matches(name, name)


@quick
@given(st.one_of(names, st.text(max_size=MAX_NAME_LENGTH)))
def test_tokens_never_contain_capitals_or_combining_marks(name):
    for tokens in (index_tokens, query_tokens):
        outcome = _outcome(tokens, name)
        if isinstance(outcome, str):
            continue
        for token in outcome:
            assert not any(ch.isupper() or unicodedata.combining(ch) for ch in token)
