from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from hub.hosts import organisation_url, public_url
from tenants.scopes import Scope, scopes_of
from tenants.selectors import memberships_for_user

# Sections of an organisation's site, shown in the navigation once their app serves them, to
# those holding any one of the scopes named (the pages themselves still check their own).
SECTIONS: list[tuple[str, str, tuple[Scope, ...]]] = [
    ("Dashboard", "/", (Scope.ORG_READ,)),
    ("Agreements", "/agreements/", (Scope.AGREEMENTS_READ,)),
    ("Speaker requests", "/speakers/", (Scope.ORG_READ,)),
    ("Speaker checks", "/exchange/", (Scope.ORG_READ,)),
    ("Welfare", "/welfare/", (Scope.WELFARE_RAISE,)),
    (
        "Referrals",
        "/referrals/",
        (Scope.REFERRALS_SHARE, Scope.REFERRALS_APPROVE, Scope.REFERRALS_READ_RECEIVED),
    ),
    ("Partners", "/partners/", (Scope.PARTNERS_REPORT, Scope.PARTNERS_OVERSEE)),
    ("Network", "/network/", (Scope.NETWORK_READ,)),
    ("Good practice", "/library/", (Scope.LIBRARY_READ,)),
    ("Figures", "/figures/", (Scope.FIGURES_READ, Scope.FIGURES_CONTRIBUTE)),
    ("Training", "/training/", (Scope.TRAINING_READ,)),
    ("Risks", "/risks/", (Scope.RISKS_READ,)),
    ("Annual return", "/return/", (Scope.RETURN_READ,)),
    ("Audit trail", "/audit/", (Scope.AUDIT_READ,)),
    ("People", "/people/", (Scope.ORG_READ,)),
    ("API tokens", "/api-tokens/", (Scope.ORG_READ,)),
]


def _served(path: str, urlconf: str | None) -> bool:
    try:
        resolve(path, urlconf=urlconf)
    except Resolver404:
        return False
    return True


def _unread(request: HttpRequest, held: frozenset[Scope]) -> int | None:
    """The member's unread notifications here, as the centre counts them; None off an organisation's host."""
    membership = getattr(request, "membership", None)
    if membership is None or not _served("/notifications/", getattr(request, "urlconf", None)):
        return None
    from django.db import connection
    from django_tenants.utils import schema_context

    from notifications.services import unread_count

    def count() -> int:
        return unread_count(membership, held)

    schema = request.tenant.schema_name  # type: ignore[attr-defined]
    if connection.schema_name == schema:
        return count()
    # Error pages under ASGI render on another thread, whose connection is not on the tenant's schema.
    with schema_context(schema):
        return count()


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page header needs: this organisation, the person, and where else they can go."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    switcher = []
    if user is not None and user.is_authenticated:
        switcher = [
            {
                "name": m.organisation.name,
                "url": organisation_url(request, m.organisation.slug),
                "current": tenant is not None and m.organisation_id == tenant.pk,
            }
            for m in memberships_for_user(user)
        ]
    urlconf = getattr(request, "urlconf", None)
    held = scopes_of(getattr(request, "membership", None))
    sections = [
        {
            "label": label,
            "path": path,
            "current": request.path == path or (path != "/" and request.path.startswith(path)),
        }
        for label, path, scopes in SECTIONS
        if held & set(scopes) and _served(path, urlconf)
    ]
    return {
        "sections": sections,
        "unread_notifications": _unread(request, held),
        # Only members learn whose host this is: a stranger's "not found" page names nobody.
        "current_organisation": tenant if getattr(request, "membership", None) else None,
        "current_membership": getattr(request, "membership", None),
        "switcher": switcher,
        "public_home": public_url(request, "/"),
        "login_url": public_url(request, "/login/"),
        "logout_url": "/logout/",
    }
