"""A token's `last_used_at` is written at most once per HUB_TOKEN_LAST_USED_INTERVAL, not on every call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import services
from tenants.models import ApiToken


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _token_updates(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "tenants_apitoken"')]


@pytest.fixture
def raw_token(org_a, member):
    ada = member(org_a, "prevent_lead", full_name="Ada Lindqvist-Obi")
    _, raw = services.api_token_create(actor=ada, organisation=org_a, name="reporting script")
    return raw


def _call(raw: str) -> list[str]:
    api = Client(HTTP_HOST="alderley.hub.localhost")
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/organisation/", **_bearer(raw)).status_code == 200
    return _token_updates(queries)


def test_two_calls_within_the_interval_write_last_used_at_once(raw_token):
    # given a token never used
    assert ApiToken.objects.get().last_used_at is None

    # when it is used twice in a row
    first = _call(raw_token)
    used_at = ApiToken.objects.get().last_used_at
    second = _call(raw_token)

    # then only the first call wrote, and the value stayed
    assert len(first) == 1 and second == []
    assert used_at is not None
    assert ApiToken.objects.get().last_used_at == used_at


def test_a_call_after_the_interval_writes_again(raw_token, settings):
    settings.HUB_TOKEN_LAST_USED_INTERVAL = 300
    _call(raw_token)
    # given the last use moved back past the interval
    long_ago = ApiToken.objects.get().last_used_at - timedelta(seconds=301)
    ApiToken.objects.update(last_used_at=long_ago)

    # when the token is used again
    written = _call(raw_token)

    # then it wrote once, with a fresh time
    assert len(written) == 1
    assert ApiToken.objects.get().last_used_at > long_ago + timedelta(seconds=300)


def test_a_use_just_inside_the_interval_does_not_write(raw_token, settings):
    settings.HUB_TOKEN_LAST_USED_INTERVAL = 300
    _call(raw_token)
    recent = ApiToken.objects.get().last_used_at - timedelta(seconds=200)
    ApiToken.objects.update(last_used_at=recent)

    assert _call(raw_token) == []
    assert ApiToken.objects.get().last_used_at == recent


def test_the_conditional_update_writes_once_even_when_both_callers_loaded_a_stale_value(raw_token):
    from tenants.api_auth import token_touch

    # given two requests that both loaded the token before either wrote
    first, second = ApiToken.objects.get(), ApiToken.objects.get()

    # then the database condition lets only one of them write
    assert token_touch(first) is True
    assert token_touch(second) is False
