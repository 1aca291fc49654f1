"""Fixtures the cross-app tests here borrow from the apps' own test folders."""

from tests.agreements.conftest import drafting  # noqa: F401
from tests.speakers.conftest import a, cast  # noqa: F401
