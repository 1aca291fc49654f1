"""Real objects behind the library's URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.utils import tenant_context

from library import services
from library.services import PracticeText
from tenants.models import Organisation, User


def library_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`practice_id`: a published write-up in `home`'s own library (every reader sees it; every publisher
    there speaks for `home`, so may change it)."""
    author = member(home, "prevent_lead")
    with tenant_context(home):
        practice = services.practice_create(
            actor=author,
            organisation=home,
            text=PracticeText(
                title="A speaker procedure on one page",
                summary="Organisers see the whole procedure, and its deadlines, on a single page.",
                practice="The page links the request form and says who decides.",
                what_worked="Fewer late requests.",
                contact_role="Prevent lead",
                themes=["speakers_events"],
            ),
            publish=True,
        )
    return {"practice_id": practice.pk}
