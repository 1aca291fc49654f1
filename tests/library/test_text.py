"""Cleaning pasted text and folding it for search, over any text (Hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from library.text import clean, fold, has_a_letter

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u202e"
ODD_SPACES = "\u00a0\u2007\u202f\u3000"
texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(INVISIBLE + ODD_SPACES + "éłıßØ\r\n\t"))


@given(texts)
def test_cleaning_removes_every_invisible_character_and_is_stable(text):
    cleaned = clean(text)
    assert not set(cleaned) & set(INVISIBLE + ODD_SPACES)
    assert "\r" not in cleaned and cleaned == cleaned.strip()
    assert clean(cleaned) == cleaned


@given(texts)
def test_a_one_line_field_has_no_line_breaks_or_runs_of_spaces(text):
    cleaned = clean(text, multiline=False)
    assert "\n" not in cleaned and "  " not in cleaned


@given(texts)
def test_folding_leaves_no_accents_and_is_stable(text):
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert fold(folded) == folded


@given(st.text(alphabet=INVISIBLE + ODD_SPACES + " .,;!?-'\"()\u0301"))
def test_text_made_only_of_invisible_characters_punctuation_and_marks_has_no_letter(text):
    assert not has_a_letter(clean(text))
