"""The training pages' markup: unique ids, and every label and ARIA reference points at an element."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from tests.hub.test_page_markup import _ids
from tests.training.conftest import course, done, person, require

PAGES = [
    ("get", "/", None),
    ("get", "/training/", None),
    ("get", "/training/overdue/", None),
    ("get", "/training/courses/", None),
    ("post", "/training/courses/", {"title": ""}),
    ("get", "/training/courses/{course}/", None),
    ("post", "/training/courses/{course}/requirements/", {"department": "x" * 200}),
    ("get", "/training/people/", None),
    ("post", "/training/people/", {"staff_id": ""}),
    ("get", "/training/people/{person}/", None),
    ("post", "/training/people/{person}/", {"completed_on": "soon"}),
    ("post", "/training/people/{person}/edit/", {"edit-name": ""}),
    ("get", "/training/import/", None),
    ("post", "/training/import/", {}),
]


@pytest.mark.parametrize(("method", "path", "data"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
def test_every_id_is_unique_and_every_reference_points_at_an_element(t, client_on, method, path, data):
    with tenant_context(t.org):
        c = course("Prevent awareness", months=12)
        require(c)
        p = person("NM1", "Adaeze Okonkwo")
        done(p, c, today(), t.lead)
    url = path.format(course=c.pk, person=p.pk)
    response = getattr(client_on(t.org, t.lead), method)(url, data or {})
    assert response.status_code in (200, 400), (url, response.status_code)
    html = response.content.decode()
    ids = _ids(html)
    assert not sorted({i for i in ids if ids.count(i) > 1})
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for value in re.findall(rf'{attribute}="([^"]*)"', html):
            for target in value.split():
                assert target in ids, f"{attribute} points at missing #{target}"
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, f"<label for> points at missing #{target!r}"
