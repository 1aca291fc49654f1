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
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta
from html.parser import HTMLParser
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


def _paths(urlconf: str) -> list[str]:
    def walk(patterns: list[Any], prefix: str) -> list[str]:
        out: list[str] = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                out += walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not route.startswith("api/"):
                out.append("/" + route)
        return out

    return sorted(set(walk(get_resolver(urlconf).url_patterns, "")) - {"/logout/"})


# (site, path): "tenant" is Alderley's host, "public" the base domain (sign-in, invitations, operator).
PAGES = [("tenant", p) for p in _paths("hub.urls_tenant")] + [("public", p) for p in _paths("hub.urls_public")]


@pytest.fixture
def ids(org_a, org_b, member) -> dict[str, int]:
    from tenants import services as tenant_services
    from tenants.models import Membership, Role

    everyone = member(org_a, *Role.values)
    agreement = Drafting(member).draft([org_a, org_b])
    token, _ = tenant_services.api_token_create(actor=everyone, organisation=org_a, name="page fuzz")
    with tenant_context(org_a):
        event_request = submit(everyone, title="Bridges between communities")
    return {
        "user": everyone.pk,
        "pk": event_request.pk,
        "agreement_id": agreement.pk,
        "number": 1,
        "membership_id": Membership.objects.get(user=everyone, organisation=org_a).pk,
        "token_id": token.pk,
    }


def _fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:int|str):(\w+)>", lambda m: str(ids.get(m.group(1), 1)), path)


@dataclass
class HtmlField:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = dataclass_field(default_factory=list)


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: dict[str, HtmlField] = dataclass_field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms a page renders: each field's name, type, current value and options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: HtmlField | None = None
        self._textarea: HtmlField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("method", "get").lower(), a.get("action", "")))
        elif not self.forms or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input" and a.get("type", "text") not in {"submit", "button", "file", "reset"}:
            known = self.forms[-1].fields.setdefault(a["name"], HtmlField(a["name"], a.get("type", "text")))
            if known.kind in {"radio", "checkbox"}:
                known.options.append(a.get("value", "on"))
            else:
                known.value = a.get("value", "")
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self.forms[-1].fields.setdefault(a["name"], HtmlField(a["name"], kind))
        elif tag == "textarea":
            self._textarea = self.forms[-1].fields.setdefault(a["name"], HtmlField(a["name"], "textarea"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def feed_option(self, attrs: dict[str, str]) -> None:
        if self._select is not None and attrs.get("value"):
            self._select.options.append(attrs["value"])


def _forms_of(html: str) -> list[HtmlForm]:
    parser = FormParser()
    original = parser.handle_starttag

    def start(tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option":
            parser.feed_option({k: v or "" for k, v in attrs})
        else:
            original(tag, attrs)

    parser.handle_starttag = start  # type: ignore[method-assign]
    parser.feed(html)
    # Signing out would end the session the rest of the examples need.
    return [form for form in parser.forms if form.fields and "logout" not in form.action]


SOON = datetime.now().astimezone() + timedelta(days=45)  # noqa: DTZ005
PLAUSIBLE_BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "number": st.integers(min_value=0, max_value=500).map(str),
    "date": st.dates(min_value=SOON.date(), max_value=SOON.date() + timedelta(days=300)).map(str),
    "datetime-local": st.just(SOON.strftime("%Y-%m-%dT%H:%M")),
    "email": st.sampled_from(["lerato.mokoena@example.org", "oisin.byrne@example.org"]),
    "hidden": st.nothing(),  # keep the page's own value
}
PLAUSIBLE_TEXT = st.sampled_from(["Climate and community", "Kwame Mensah-Lindgren", "Lawful debate; chaired.", "x"])


def _plausible(field: HtmlField) -> st.SearchStrategy[Any]:
    """A value a careful person might enter, so most examples get past the form to the service."""
    if field.kind in {"radio", "select"} and field.options:
        return st.sampled_from(field.options)
    if field.kind in {"checkbox", "select-multiple"} and field.options:
        return st.lists(st.sampled_from(field.options), unique=True, max_size=len(field.options))
    if field.kind == "hidden" or field.value:
        return st.just(field.value) | PLAUSIBLE_BY_KIND.get(field.kind, PLAUSIBLE_TEXT)
    return PLAUSIBLE_BY_KIND.get(field.kind, PLAUSIBLE_TEXT)


@st.composite
def submissions(draw: st.DrawFn, forms: list[HtmlForm], path: str) -> tuple[str, str, dict[str, Any]]:
    """One of the page's forms filled plausibly, with up to three fields replaced by hostile values."""
    form = draw(st.sampled_from(forms))
    data = {name: draw(_plausible(field)) for name, field in form.fields.items()}
    names = sorted(form.fields)
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []:
        data[name] = draw(VALUE)
    return form.method, form.action or path, data


@pytest.mark.parametrize(("site", "page"), PAGES, ids=[f"{site} {page}" for site, page in PAGES])
def test_arbitrary_queries_and_posts_to_every_page_never_give_a_server_error(site, page, org_a, ids, client_on):
    from tenants.models import User

    client = client_on(org_a if site == "tenant" else None, User.objects.get(pk=ids["user"]))
    path = _fill(page, ids)
    shown = client.get(path)
    assert shown.status_code < 500
    body = b"".join(shown.streaming_content) if shown.streaming else shown.content  # downloads stream
    forms = _forms_of(body.decode(errors="replace")) or [HtmlForm("post", path, {})]
    raw = st.tuples(st.sampled_from(["get", "post"]), st.just(path), st.dictionaries(st.text(max_size=10), VALUE))

    @SETTINGS
    @given(request=st.one_of(submissions(forms, path), raw))
    def run(request: tuple[str, str, dict[str, Any]]) -> None:
        method, target, data = request
        if not target.startswith("/"):
            target = path
        response = getattr(client, "post" if method == "post" else "get")(target, data)
        assert response.status_code < 500, (method, target, response.status_code)

    run()


def test_a_signed_in_person_posting_nothing_to_a_bad_invitation_link_sees_why_not_a_server_error(make_user, client_on):
    # Found by the page fuzzing above: the empty POST left the form unbound, and showing the
    # service's error beside it raised (500).
    response = client_on(None, make_user()).post("/invitations/not-a-real-token/", {})

    assert response.status_code == 404
    assert "no longer valid" in response.content.decode()
