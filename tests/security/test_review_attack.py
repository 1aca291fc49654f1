"""Holes found by the review attack on issue 13 (trust), each kept as a regression test."""

from __future__ import annotations

import pytest
from django.test import override_settings

from hub.hosts import is_hub_url


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/",  # browsers read a backslash as a slash: //evil.example/
        "/\t/evil.example/",  # browsers drop tabs and newlines: //evil.example/
        "\\\\evil.example/",
        "https://evil.example\\@hub.localhost/",  # urlsplit sees hub.localhost; browsers go to evil.example
        "https://evil.example\\.hub.localhost/",
        " //evil.example/",
    ],
)
@override_settings(HUB_BASE_DOMAIN="hub.localhost")
def test_next_addresses_that_browsers_read_as_another_site_are_refused(target: str) -> None:
    assert not is_hub_url(target)


@override_settings(HUB_BASE_DOMAIN="hub.localhost")
def test_hub_addresses_are_still_accepted() -> None:
    assert is_hub_url("/cases/?q=a")
    assert is_hub_url("https://alderley.hub.localhost/cases/")
    assert is_hub_url("http://hub.localhost:8000/")
