"""Hypothesis over every form and every page: arbitrary text (NUL, huge, odd Unicode) never gives a 5xx.

Both lists are discovered, not written down, so a new form or page is covered the day it lands:

* every `django.forms.Form` subclass in the apps' modules is bound to generated data and
  validated; it must answer valid or invalid, never raise, and never hand a service a string
  PostgreSQL cannot store;
* every page of an organisation's site (the URL configuration, with ids of rows that exist) gets
  generated GET queries and POSTs, with the field names its own forms render; as a person holding
  every role, so requests get past the rights checks to the forms and services.

`HUB_FUZZ_EXAMPLES` (default 25) sets the examples per form and per page.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.input_guard import is_storable
from tests.agreements.conftest import Drafting
from tests.speakers.conftest import submit

EXAMPLES = int(os.environ.get("HUB_FUZZ_EXAMPLES", "25"))
APPS = ("agreements", "sharing", "speakers", "tenants", "hub")
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Arbitrary text, weighted toward what broke things: NUL, control characters, very long
# strings, astral-plane and combining characters, numbers beyond a column's range.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["\x00", "a\x00b", "x" * 20_000, "2147483648", "-1", "9" * 30, "0", "", " ", "🧕🏽\u0301"]),
    st.sampled_from(["2026-02-30", "2026-13-01", "9999-12-31T23:59", "0001-01-01", "true", "on", "[]", "{}"]),
)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3))

# Keyword arguments for forms whose constructor needs them (choices known only at run time).
FORM_ARGUMENTS: dict[str, dict[str, Any]] = {
    "AssessmentForm": {"criteria": ["Speaker has been charged with an offence"], "catalogue": [(1, "Chair")]},
    "EscalateForm": {"people": [(1, "Senior decision-maker")]},
    "DecisionForm": {"proposed": [(1, "Chair")]},
}


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in module_info.name for part in (".migrations", ".management", ".tests")):
                continue
            module = importlib.import_module(module_info.name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__.split(".")[0] in APPS:
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


FORMS = _form_classes()


def _bind(form_class: type[forms.BaseForm], data: dict[str, Any]) -> forms.BaseForm:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return form_class(data=query, **FORM_ARGUMENTS.get(form_class.__name__, {}))


def test_form_discovery_finds_the_forms_of_every_app():
    modules = {form.__module__.split(".")[0] for form in FORMS}
    assert {"agreements", "sharing", "speakers", "tenants"} <= modules
    assert len(FORMS) >= 20


@pytest.mark.parametrize("form_class", FORMS, ids=[f.__qualname__ for f in FORMS])
def test_every_form_answers_valid_or_invalid_for_arbitrary_input_and_never_passes_on_unstorable_text(form_class, db):
    field_names = list(_bind(form_class, {}).fields)

    @SETTINGS
    @given(data=st.dictionaries(st.sampled_from(field_names) if field_names else st.just("x"), VALUE))
    def run(data: dict[str, Any]) -> None:
        form = _bind(form_class, data)
        if form_class.__name__ == "SignInForm":
            return  # needs a request and checks passwords; its page is fuzzed below
        if form.is_valid():
            for name, value in form.cleaned_data.items():
                if isinstance(value, str):
                    assert is_storable(value), (name, value)

    run()


# --- every page of an organisation's site ------------------------------------------------------------

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.IGNORECASE)


def _tenant_paths() -> list[str]:
    def walk(patterns: list[Any], prefix: str) -> list[str]:
        out: list[str] = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                out += walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(("api/", "^api/")):
                out.append("/" + route)
        return out

    return sorted(set(walk(get_resolver("hub.urls_tenant").url_patterns, "")))


PAGES = [p for p in _tenant_paths() if p not in {"/logout/"}]


@pytest.fixture
def ids(org_a, org_b, member) -> dict[str, int]:
    from tenants.models import Role

    everyone = member(org_a, *Role.values)
    agreement = Drafting(member).draft([org_a, org_b])
    with tenant_context(org_a):
        event_request = submit(everyone, title="Bridges between communities")
    return {
        "user": everyone.pk,
        "pk": event_request.pk,
        "agreement_id": agreement.pk,
        "number": 1,
    }


def _fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), 1)), path)


@pytest.mark.parametrize("page", PAGES)
def test_arbitrary_queries_and_posts_to_every_page_never_give_a_server_error(page, org_a, ids, client_on):
    from tenants.models import User

    client = client_on(org_a, User.objects.get(pk=ids["user"]))
    path = _fill(page, ids)
    shown = client.get(path)
    assert shown.status_code < 500
    names = sorted(set(FIELD_NAME.findall(shown.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"})
    keys = st.sampled_from(names) if names else st.text(max_size=10)

    @SETTINGS
    @given(method=st.sampled_from(["get", "post"]), data=st.dictionaries(keys, VALUE, max_size=12))
    def run(method: str, data: dict[str, Any]) -> None:
        response = getattr(client, method)(path, data)
        assert response.status_code < 500, (method, path, response.status_code)

    run()
