"""Fixtures the review tests borrow from the apps' own test folders."""

from tests.hub.test_api_errors import api  # noqa: F401
from tests.speakers.conftest import a, cast  # noqa: F401
