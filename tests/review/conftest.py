"""Fixtures the review tests borrow from the apps' own test folders."""

from tests.agreements.conftest import drafting  # noqa: F401
from tests.hub.test_api_errors import api  # noqa: F401
from tests.sharing.test_check_page import two_checks  # noqa: F401
from tests.speakers.conftest import a, cast  # noqa: F401
