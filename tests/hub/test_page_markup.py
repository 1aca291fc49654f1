"""Markup that assistive technology relies on, checked on every main page (rendered HTML, no browser).

Issue 9 §6: form hints pointed at ids that did not exist (`id_X_helptext` vs `id_X_hint`), so
screen readers never read them, and the operator page repeated `id_kind`. The browser tests
run axe-core on the same pages; this table catches the same kinds of fault in a second, on
pages with their errors showing as well as without.
"""

import re

import pytest

from sharing import services
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.sharing.conftest import FakeProjection

ALL_ROLES = [r for r in Role.values]

# (name, host: "org" or "public", method, path, data)
PAGES = [
    ("sign in", "anonymous", "get", "/login/", None),
    ("sign in, wrong password", "anonymous", "post", "/login/", {"username": "x@y.example", "password": "nope"}),
    ("your organisations", "public", "get", "/", None),
    ("operator", "operator", "get", "/operator/organisations/", None),
    ("operator, errors", "operator", "post", "/operator/organisations/", {"create": "1", "slug": "www"}),
    ("change password", "org", "get", "/password/", None),
    ("dashboard", "org", "get", "/", None),
    ("people", "org", "get", "/people/", None),
    ("people, errors", "org", "post", "/people/", {"email": "not-an-email"}),
    ("API tokens", "org", "get", "/api-tokens/", None),
    ("API tokens, errors", "org", "post", "/api-tokens/", {"name": ""}),
    ("exchange search", "org", "get", "/exchange/", None),
    ("exchange search, error", "org", "post", "/exchange/", {"name": "x"}),
    ("exchange search, results", "org", "post", "/exchange/", {"name": "Leilani Kahananui"}),
    ("checks we shared", "org", "get", "/exchange/shared/", None),
    ("requests for detail", "org", "get", "/exchange/requests/", None),
    ("sharing settings", "org", "get", "/exchange/settings/", None),
    ("sharing settings, errors", "org", "post", "/exchange/settings/", {"share_mode": "sometimes"}),
    ("agreements", "org", "get", "/agreements/", None),
    ("new agreement", "org", "get", "/agreements/new/", None),
    ("speaker requests", "org", "get", "/speakers/", None),
    ("new speaker request", "org", "get", "/speakers/new/", None),
    ("new speaker request, errors", "org", "post", "/speakers/new/", {"title": ""}),
    ("partner assurance", "org", "get", "/partners/", None),
    ("partner reports", "org", "get", "/partners/reports/", None),
    ("partner reports, errors", "org", "post", "/partners/reports/", {"period": "x"}),
    ("partner training", "org", "get", "/partners/training/", None),
    ("training for a partner, errors", "org", "post", "/partners/training/partners/", {"attendees": "0"}),
    ("referrals", "org", "get", "/referrals/", None),
    ("identified transfers to approve", "org", "get", "/referrals/approvals/", None),
    ("what partners sent us", "org", "get", "/referrals/received/", None),
    ("notifications", "org", "get", "/notifications/", None),
    ("notification settings", "org", "get", "/notifications/settings/", None),
    ("notification settings, errors", "org", "post", "/notifications/settings/", {"check_match": "pigeon"}),
]


@pytest.fixture
def rendered(org_a, org_b, member, make_user, client_on):
    Drafting(member).active([org_a, org_b])
    services.check_share(actor=None, source=org_b, projection=FakeProjection(5, ("Leilani Kahananui",)))
    everything = member(org_a, *ALL_ROLES)
    operator = make_user(is_staff=True)
    clients = {
        "anonymous": client_on(None),
        "public": client_on(None, everything),
        "operator": client_on(None, operator),
        "org": client_on(org_a, everything),
    }

    def render(who, method, path, data):
        response = getattr(clients[who], method)(path, data or {})
        assert response.status_code in (200, 400, 401), (path, response.status_code)
        return response.content.decode()

    return render


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


@pytest.mark.parametrize("name,who,method,path,data", PAGES, ids=[p[0] for p in PAGES])
def test_every_id_is_unique_and_every_reference_points_at_an_element(name, who, method, path, data, rendered):
    html = rendered(who, method, path, data)
    ids = _ids(html)

    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{name}: duplicate ids {duplicates}"
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for value in re.findall(rf'{attribute}="([^"]*)"', html):
            for target in value.split():
                assert target in ids, f"{name}: {attribute} points at missing #{target}"
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, f"{name}: <label for> points at missing #{target!r}"


def test_a_field_hint_is_read_with_its_field(rendered):
    html = rendered("org", "get", "/exchange/", None)

    assert 'aria-describedby="id_name_helptext"' in html
    assert re.search(r'<p class="hint" id="id_name_helptext">Type the first and last name', html)


def test_a_search_announces_how_many_checks_it_found(rendered):
    html = rendered("org", "post", "/exchange/", {"name": "Leilani Kahananui"})

    assert re.search(r'<p role="status"[^>]*>1 shared check found\.</p>', html)
    assert "<title>1 shared check found · Speaker checks" in html
