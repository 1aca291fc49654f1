"""Review 2 (issue 9 §5): an email address over the column's 254 characters is a 500, not a 400.

Seen on the dev server: as operator@hub.example, Operate: organisations, create "Bad Email Uni"
(slug bademail4) with first admin `"x" * 300 + "@example.com"` -> 500
(DataError: value too long for type character varying(254), tenants/services.py
`_first_admin_invitation`). `forms.EmailField` has no max_length in OrganisationCreateForm or InviteForm.
"""

from __future__ import annotations

from tenants.models import Invitation, Organisation, Role

LONG_EMAIL = "x" * 300 + "@example.com"


def test_creating_an_organisation_with_an_over_long_first_admin_email_is_a_400_naming_the_field(
    db, world, make_user, client_on
):
    operator = make_user(is_staff=True)
    count = Organisation.objects.count()
    response = client_on(None, operator).post(
        "/operator/organisations/",
        {"create": "1", "name": "Longmail College", "slug": "longmail", "kind": "provider",
         "first_admin_email": LONG_EMAIL},
    )  # fmt: skip
    assert response.status_code == 400, response.status_code
    assert "first_admin_email" in response.context["create_form"].errors
    assert Organisation.objects.count() == count


def test_inviting_an_over_long_email_is_a_400_naming_the_field(org_a, member, client_on):
    admin = member(org_a, Role.ORG_ADMIN)
    before = Invitation.objects.count()
    response = client_on(org_a, admin).post("/people/", {"email": LONG_EMAIL, "roles": [Role.REVIEWER]})
    assert response.status_code == 400, response.status_code
    assert "email" in response.context["invite_form"].errors
    assert Invitation.objects.count() == before
