"""Name tokens for the blind-index search: which spellings of a speaker's name find each other.

Every name here is invented. "Match" means the query's tokens meet the stored name's tokens,
which is exactly what the exchange's search does after HMACing both sides.
"""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.names import (
    MAX_NAME_LENGTH,
    VARIANTS,
    NameQueryError,
    index_tokens,
    name_words,
    query_tokens,
)

# No example database: these tests must not write files into the working tree.
quick = settings(database=None, deadline=None, max_examples=200)


def _matches(query: str, stored: str) -> bool:
    return bool(query_tokens(query) & index_tokens(stored))


MUST_MATCH = [
    # case and accents
    ("priya natarajan", "Priya NATARAJAN"),
    ("Jose Ibarrola", "José Ibárrola"),
    ("Zoe Lindqvist", "Zoë Lindqvist"),
    ("Soren Aberg", "Søren Åberg"),
    ("Lukasz Wrobel", "Łukasz Wróbel"),
    ("Dorde Pavlovic", "Đorđe Pavlović"),
    ("Greta Strasse", "Greta Straße"),
    ("Aelfrida Thorsdottir", "Ælfrida Þórsdóttir"),
    # titles, wherever a writer puts them
    ("Rabbi Chaim Feldbaum", "Chaim Feldbaum"),
    ("Imam Yusuf Okonjo", "Yusuf Okonjo"),
    ("Rev. Grace Adjei", "Grace Adjei"),
    ("Dame Harriet Quenby", "Harriet Quenby"),
    ("Sir Tobias Wrenfield", "Tobias Wrenfield"),
    ("Prof. Mei Lin Zhao", "Mei Lin Zhao"),
    ("Dr Kwame Asantewaa", "Kwame Asantewaa"),
    ("Tobias Wrenfield", "The Rt Hon Sir Tobias Wrenfield"),
    ("Shaykh Idris Balogun", "Idris Balogun"),
    ("Dr Wei Ma", "Wei Ma"),
    # post-nominals
    ("Harriet Quenby OBE", "Harriet Quenby"),
    ("Dr Anil Varghese PhD", "Anil Varghese"),
    ("Harriet Quenby", "Harriet Quenby, MBE, FRS"),
    # middle names, middle initials, first initials
    ("Aoife Brennick", "Aoife Siobhan Brennick"),
    ("Aoife S. Brennick", "Aoife Siobhan Brennick"),
    ("A. Brennick", "Aoife Siobhan Brennick"),
    ("A Brennick", "Aoife Brennick"),
    ("A.S. Brennick", "Aoife Siobhan Brennick"),
    # word order and "Surname, Given"
    ("Lianhua Zhou", "Zhou Lianhua"),
    ("Brennick, Aoife", "Aoife Siobhan Brennick"),
    ("Brennick, Dr Aoife", "Aoife Brennick"),
    ("Brennick, A.", "Aoife Brennick"),
    ("Quenby, Harriet, Dame", "Harriet Quenby"),
    # hyphens and apostrophes
    ("Femi Okoro Lindqvist", "Femi Okoro-Lindqvist"),
    ("Anne Marie Castellane", "Anne-Marie Castellane"),
    ("Anne Castellane", "Anne-Marie Castellane"),
    ("Siobhan OBrennick", "Siobhan O'Brennick"),
    ("Siobhan O’Brennick", "Siobhan O'Brennick"),
    ("Amira El-Qadiri", "amira el qadiri"),
    # a title word at the end is a surname, and is spelt like one
    ("Ayesha Shaikh", "Aisha Sheikh"),
    ("Nour Bishop", "Nour Bishop"),
    # transliterations (every variant is also checked below)
    ("Mohamed Tennerby", "Muhammad Tennerby"),
    ("Md Rafiqul Tennerby", "Mohammed Rafiqul Tennerby"),
    ("Hussein Farrowdale", "Husain Farrowdale"),
    ("Abdel Karim Oakhollow", "Abdul Karim Oakhollow"),
    ("Youssef Oakhollow", "Yusef Oakhollow"),
    ("Omar Brackwell", "Umar Brackwell"),
    ("Osman Brackwell", "Othman Brackwell"),
    ("Fatimah Brackwell", "Fatema Brackwell"),
    ("Ayesha Tennerby", "Aishah Tennerby"),
    ("Sergey Velichko", "Serguei Velichko"),
    ("Yury Velichko", "Iurii Velichko"),
    ("Tatjana Velichko", "Tatyana Velichko"),
    ("Alexandr Velichko", "Aleksander Velichko"),
    ("Mihail Velichko", "Mikhail Velichko"),
    ("Nikolay Velichko", "Nikolai Velichko"),
    ("Haim Rosenthal-Dov", "Chayim Rosenthal-Dov"),
    ("Itzchak Rosenthal-Dov", "Yitzhak Rosenthal-Dov"),
    ("Ahmed Farrowdale", "Ahmad Farrowdale"),
    ("Ahmad", "Ahmed"),
]

MUST_NOT_MATCH = [
    ("Aoife Brennick", "Niamh Brennick"),  # a family shares a surname
    ("John Smith", "Jane Smith"),  # a full name never asks for initials
    ("John Smith", "J. Smith"),  # ...so it does not find initial-only records either
    ("Brennick", "Aoife Brennick"),  # no surname-only fishing
    ("Ahmad", "Ahmad Ali Ahmad"),  # one word finds one-word names only
    ("Alexander Velichko", "Aleksandr Velichko"),  # different names, not spellings
    ("Femi Okoro", "Femi Okoro-Lindqvist"),  # part of a double-barrelled surname
    ("Zhou Lianhua", "Chou Lianhua"),  # romanisation systems are not merged
    ("Hasan Tennerby", "Husayn Tennerby"),  # related names, not spellings
    ("Nour Bishop", "Nour Lord"),  # title words at the end are surnames, so kept
    ("Nour", "Nour Bishop"),
    ("Wei Ma", "Wei Zhang"),  # MA is a post-nominal only from the third word on
    ("J. Brennick", "Aoife Brennick"),
    ("Aoife Brennick", "Aoife Brennick-Hale"),
    ("Greta Mueller", "Greta Müller"),  # accents are dropped, not spelt out
    ("Soren Aaberg", "Søren Åberg"),
    ("Amira Alqadiri", "Amira Al-Qadiri"),  # articles stay separate words
    ("Сергей Velichko", "Sergei Velichko"),  # scripts are not transliterated
]


@pytest.mark.parametrize(("query", "stored"), MUST_MATCH)
def test_these_spellings_of_a_name_find_each_other(query, stored):
    assert _matches(query, stored)


@pytest.mark.parametrize(("query", "stored"), MUST_NOT_MATCH)
def test_these_different_names_do_not_find_each_other(query, stored):
    assert not _matches(query, stored)


@pytest.mark.parametrize(
    ("canonical", "variant"), [(canonical, variant) for canonical, group in VARIANTS.items() for variant in group]
)
def test_every_listed_transliteration_finds_its_canonical_spelling_and_back(canonical, variant):
    assert _matches(f"{variant} Farrowdale", f"{canonical} Farrowdale")
    assert _matches(f"{canonical} Farrowdale", f"{variant} Farrowdale")


def test_the_variants_table_maps_each_spelling_once_and_never_to_another_canonical():
    variants = [variant for group in VARIANTS.values() for variant in group]

    assert len(variants) == len(set(variants))
    assert not set(variants) & set(VARIANTS)
    assert all(word.isascii() and word.isalpha() and word == word.lower() for word in [*variants, *VARIANTS])


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("José Zoë", ["jose", "zoe"]),
        ("Søren Ærø Łukasz Đorđe Kılıç Œuvre Þór Straße", "soren aero lukasz dorde kilic oeuvre thor strasse".split()),
        ("O'Brennick", ["obrennick"]),
        ("Okoro-Lindqvist,  A.B.", ["a", "b", "okoro", "lindqvist"]),
        ("Prof. Sir Ahmed Yousef OBE", ["ahmad", "yusuf"]),
        ("Jane Bishop PhD", ["jane", "bishop"]),
        ("Dr", ["dr"]),
        ("---", []),
    ],
)
def test_name_words_folds_letters_drops_honorifics_and_canonicalises_spellings(name, words):
    assert name_words(name) == words


def test_a_name_is_indexed_by_all_its_words_its_first_and_last_and_its_initial():
    assert index_tokens("Aoife Siobhan Brennick") == {
        "all:aoife brennick siobhan",
        "pair:aoife brennick",
        "init:a brennick",
    }
    assert index_tokens("Brennick") == {"all:brennick"}


def test_an_initial_query_asks_only_for_the_initial_token():
    assert query_tokens("A. S. Brennick") == {"init:a brennick"}
    assert query_tokens("Aoife Brennick") == {"all:aoife brennick", "pair:aoife brennick"}


@pytest.mark.parametrize("query", ["", "   ", "J", "J.", "Dr J", "—", "12", "x."])
def test_a_query_with_fewer_than_two_letters_is_refused(query):
    with pytest.raises(NameQueryError, match="at least two letters"):
        query_tokens(query)


@pytest.mark.parametrize("query", ["Dr", "Dr.", "Prof. Sir", "Rabbi", "the Rt Hon"])
def test_a_query_made_only_of_titles_is_refused(query):
    with pytest.raises(NameQueryError, match="not only a title"):
        query_tokens(query)


@pytest.mark.parametrize("tokens", [query_tokens, index_tokens])
def test_a_name_over_the_limit_is_refused_naming_the_limit(tokens):
    tokens("a" * MAX_NAME_LENGTH)

    with pytest.raises(NameQueryError, match=str(MAX_NAME_LENGTH)):
        tokens("a" * (MAX_NAME_LENGTH + 1))


def test_a_name_with_no_letters_cannot_be_indexed():
    with pytest.raises(NameQueryError):
        index_tokens(" -, ")


# --- properties -----------------------------------------------------------------------------

letters = st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo"])


def _position_independent(word):
    """False for titles and post-nominals in any spelling (MD, Ｄｒ), which are dropped by position."""
    folded = name_words(word)
    return name_words(f"{word} aa bb") == [*folded, "aa", "bb"] and name_words(f"aa bb {word}") == ["aa", "bb", *folded]


plain_words = st.text(letters, min_size=1, max_size=8).filter(_position_independent)
tricky_words = st.sampled_from(
    ["ma", "md", "bishop", "lord", "phd", "j", "mohammed", "zoë", "o'brennick", "ø", "ß", "İ", "ŉ", "ᾳ"]
)
words = st.one_of(plain_words, tricky_words)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)


def _outcome(tokens, name):
    """The tokens, or the message of the refusal, so refusals are compared too."""
    try:
        return tokens(name)
    except NameQueryError as error:
        return str(error)


@quick
@given(names)
def test_tokens_do_not_depend_on_case(name):
    for tokens in (index_tokens, query_tokens):
        assert _outcome(tokens, name.upper()) == _outcome(tokens, name) == _outcome(tokens, name.lower())


@quick
@given(names, st.sampled_from(["Dr", "Prof.", "Rabbi", "Imam", "Rev", "Dame", "Sir", "Sheikh", "The Rt Hon"]))
def test_tokens_do_not_depend_on_a_leading_title(name, title):
    for tokens in (index_tokens, query_tokens):
        assert _outcome(tokens, f"{title} {name}") == _outcome(tokens, name)


@quick
@given(st.lists(plain_words, min_size=2, max_size=4).flatmap(lambda ws: st.tuples(st.just(ws), st.permutations(ws))))
def test_the_all_token_does_not_depend_on_word_order(orders):
    original, shuffled = orders

    def all_token(ws):
        return {token for token in _outcome(index_tokens, " ".join(ws)) if token.startswith("all:")}

    assert all_token(shuffled) == all_token(original)


@quick
@given(st.one_of(names, st.text(max_size=MAX_NAME_LENGTH)))
def test_tokens_never_contain_capitals_or_combining_marks(name):
    for tokens in (index_tokens, query_tokens):
        outcome = _outcome(tokens, name)
        if isinstance(outcome, str):
            continue
        for token in outcome:
            assert not any(ch.isupper() or unicodedata.combining(ch) for ch in token)
