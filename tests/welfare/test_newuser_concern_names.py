"""A new member of staff raising a concern with messy names: a name of only invisible characters is
refused naming the field, while names of every background are kept as typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from tests.html_text import visible_text
from welfare.models import Concern


def _form(**overrides):
    data = {
        "subject_kind": "student",
        "subject_given_name": "Temperance",
        "subject_family_name": "Adebayo-Lindqvist",
        "observed_on": (today() - timedelta(days=1)).isoformat(),
        "what_happened": "Spoke of a 'coming war' with classmates.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u200b\u200d", "--"])
def test_a_given_name_of_only_invisible_characters_is_refused_naming_the_field(org_a, member, client_on, invisible):
    raiser = member(org_a, "organiser")
    client = client_on(org_a, raiser)

    response = client.post("/welfare/concerns/new/", _form(subject_given_name=invisible))

    assert response.status_code == 400
    assert "Their given name: Enter the given name of the person you are concerned about in letters." in visible_text(
        response
    )
    assert "Spoke of a" in visible_text(response)  # what was typed is kept
    with tenant_context(org_a):
        assert Concern.objects.count() == 0


def test_the_api_refuses_an_invisible_family_name_in_the_one_error_shape(org_a, member, client_on):
    raiser = member(org_a, "organiser")
    client = client_on(org_a, raiser)

    response = client.post(
        "/api/v1/welfare/concerns/", _form(subject_family_name="\u200b"), content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"]["subject_family_name"] == [
        "Enter the family name of the person you are concerned about in letters."
    ]
    with tenant_context(org_a):
        assert Concern.objects.count() == 0


@pytest.mark.parametrize(
    ("given", "family"),
    [("Siân", "O'Brien-Nguyễn"), ("Dafydd", "ap Rhys"), ("Aoife", "Ní Dhomhnaill"), ("ليلى", "الحسيني"),
     ("Thảo", "Phạm")],
)  # fmt: skip
def test_names_of_many_backgrounds_are_accepted_and_shown_as_typed(org_a, member, client_on, given, family):
    raiser = member(org_a, "organiser")
    client = client_on(org_a, raiser)

    page = visible_text(
        client.post("/welfare/concerns/new/", _form(subject_given_name=given, subject_family_name=family), follow=True)
    )

    assert f"{given} {family}" in page
    assert "Received" in page
