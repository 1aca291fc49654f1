"""Finding write-ups: by words (stemmed, accent-blind, ranked) and by theme; never others' drafts or withdrawn ones."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from library import selectors, services
from library.text import fold
from tests.library.conftest import network_member, write


@pytest.fixture
def library(network, org_a, org_b, member):
    """Alderley and Brackenford each publish; Brackenford also has a draft and a withdrawn write-up."""
    alderley = network_member(member, network, org_a)
    brackenford = network_member(member, network, org_b)
    write(alderley, network, title="Welfare officers in every school", themes=["welfare"])
    write(
        alderley, network, title="Room booking flags events early", themes=["speakers_events"],
        summary="The room booking team spots external speakers when a room is booked.",
        practice="Bookings that name a guest go to the events team, who check the speaker request exists.",
    )  # fmt: skip
    write(
        brackenford, network, themes=["training", "franchise"],
        title="Łódź exchange: trainers from a partner in Kraków",
        summary="Partner staff trained alongside ours, by the same trainers.",
        practice="We trained the café staff of our franchise partner as well as our own.",
    )  # fmt: skip
    write(brackenford, network, publish=False, title="Welfare draft not ready", themes=["welfare"])
    gone = write(brackenford, network, title="Welfare leaflet we withdrew", themes=["welfare"])
    with tenant_context(network):
        services.practice_withdraw(actor=brackenford, organisation=network, practice=gone)
    return {"alderley": alderley, "brackenford": brackenford}


def _titles(network, **kwargs) -> list[str]:
    with tenant_context(network):
        return [p.title for p in selectors.practices_found(network, **kwargs).practices]


def test_with_no_words_and_no_theme_every_published_write_up_is_listed_newest_first(network, library):
    assert _titles(network) == [
        "Łódź exchange: trainers from a partner in Kraków",
        "Room booking flags events early",
        "Welfare officers in every school",
    ]


def test_words_find_write_ups_by_any_form_of_the_word(network, library):
    # The documents hold "trained", "booking"/"booked" and "officers": each asked in another inflection.
    assert _titles(network, words="training") == ["Łódź exchange: trainers from a partner in Kraków"]
    assert _titles(network, words="booked rooms") == ["Room booking flags events early"]
    assert _titles(network, words="officer") == ["Welfare officers in every school"]


def test_accents_do_not_matter_either_way(network, library):
    assert _titles(network, words="lodz") == ["Łódź exchange: trainers from a partner in Kraków"]
    assert _titles(network, words="cafe krakow") == ["Łódź exchange: trainers from a partner in Kraków"]
    assert _titles(network, words="Wélfare") == ["Welfare officers in every school"]


def test_a_title_match_ranks_above_a_match_in_the_body(network, library, org_a):
    write(library["alderley"], network, title="Speaker checks at short notice", themes=["speakers_events"],
          practice="Unrelated body text.")  # fmt: skip
    found = _titles(network, words="speaker")
    assert found[0] == "Speaker checks at short notice" and "Room booking flags events early" in found


def test_a_theme_finds_every_write_up_tagged_with_it_and_only_those(network, library):
    assert _titles(network, theme="franchise") == ["Łódź exchange: trainers from a partner in Kraków"]
    assert _titles(network, theme="welfare") == ["Welfare officers in every school"]
    assert _titles(network, theme="it") == []


def test_words_and_theme_together_narrow_the_search(network, library):
    assert _titles(network, words="staff", theme="training") == ["Łódź exchange: trainers from a partner in Kraków"]
    assert _titles(network, words="staff", theme="welfare") == []


def test_drafts_and_withdrawn_write_ups_are_never_found(network, library):
    assert _titles(network, words="welfare") == ["Welfare officers in every school"]
    assert "draft" not in " ".join(_titles(network, words="draft ready"))
    assert _titles(network, words="leaflet withdrew") == []


def test_the_web_search_syntax_excludes_words_and_odd_input_is_harmless(network, library):
    assert _titles(network, words="welfare -officers") == []
    for odd in ["'); DROP TABLE library_practice; --", "&|!<>:*", "\u200b", "a" * 500]:
        _titles(network, words=odd)  # no error
    assert len(_titles(network)) == 3


def test_our_own_drafts_and_withdrawn_ones_are_listed_for_us_not_for_another_member(network, library):
    with tenant_context(network):
        theirs = [p.title for p in selectors.practices_ours(network, library["brackenford"])]
        mine = [p.title for p in selectors.practices_ours(network, library["alderley"])]
    assert sorted(theirs) == sorted(
        ["Welfare draft not ready", "Welfare leaflet we withdrew", "Łódź exchange: trainers from a partner in Kraków"]
    )
    assert "Welfare draft not ready" not in mine and len(mine) == 2


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("Łódź", "lodz"), ("Beyoncé", "beyonce"), ("KIRIŞ", "kiris"), ("ıstanbul", "istanbul"), ("Straße", "strasse")],
)
def test_folding_removes_accents_and_letter_variants(typed, folded):
    assert fold(typed) == folded
