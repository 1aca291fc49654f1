"""Shared fixtures: a small world of organisations created once per session, data reset per test.

Schemas are expensive (≈0.3 s each), so the organisations below are created once, committed,
and every test runs inside a transaction that is rolled back. Tests that need real commits
(concurrency) use `committing_db`, which removes whatever the test added.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import pytest_django.fixtures as pytest_django_fixtures
from django.conf import settings
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tenants import services
from tenants.models import LinkKind, Organisation, OrganisationKind, User
from tests.factories import UserFactory, verify_second_factor

PASSWORD = "correct-horse-battery"

# In CI the property tests run the same (still thousands of) cases every time, so a landing
# never depends on a lucky draw; locally they explore new cases on each run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# pytest-django creates test databases only for aliases that some collected test marks as
# using the database. A run that collects only `committing_db` tests (no `db` marker)
# would then commit into the development database. Always set up the default one.
_databases_for_setup = pytest_django_fixtures._get_databases_for_setup


def _default_database_always(items: list[pytest.Item]) -> tuple[set[str], set[str]]:
    aliases, serialized = _databases_for_setup(items)
    return aliases | {"default"}, serialized


pytest_django_fixtures._get_databases_for_setup = _default_database_always


@dataclass(frozen=True)
class World:
    """Organisation ids of the session's world; fixtures hand out fresh instances."""

    alderley: int  # provider
    brackenford: int  # provider
    alderley_college: int  # partner validated by alderley
    northern_network: int  # network convened by brackenford; alderley and brackenford are members


@pytest.fixture(scope="session")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> World:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        create = services.organisation_create
        alderley = create(actor=None, name="Alderley University", slug="alderley", kind=OrganisationKind.PROVIDER)
        brackenford = create(
            actor=None, name="Brackenford University", slug="brackenford", kind=OrganisationKind.PROVIDER
        )
        college = create(
            actor=None,
            name="Alderley Partner College",
            slug="alderley-college",
            kind=OrganisationKind.PARTNER,
            validated_by=alderley,
        )
        network = create(actor=None, name="Northern HE Network", slug="northern-network", kind=OrganisationKind.NETWORK)
        for member in (alderley, brackenford):
            services.organisation_link(actor=None, source=member, target=network, kind=LinkKind.MEMBER_OF)
        services.organisation_link(actor=None, source=network, target=brackenford, kind=LinkKind.CONVENED_BY)
        return World(alderley.pk, brackenford.pk, college.pk, network.pk)


@pytest.fixture(autouse=True)
def _public_schema_around_each_test() -> Iterator[None]:
    # A request through the test client leaves the connection in that tenant's schema.
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def org_a(db: None, world: World) -> Organisation:
    return Organisation.objects.get(pk=world.alderley)


@pytest.fixture
def org_b(db: None, world: World) -> Organisation:
    return Organisation.objects.get(pk=world.brackenford)


@pytest.fixture
def partner(db: None, world: World) -> Organisation:
    return Organisation.objects.get(pk=world.alderley_college)


@pytest.fixture
def network(db: None, world: World) -> Organisation:
    return Organisation.objects.get(pk=world.northern_network)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(**fields: object) -> User:
        return UserFactory(**fields)

    return make


@pytest.fixture
def member(make_user: Callable[..., User]) -> Callable[..., User]:
    """`member(org, "prevent_lead", ...)`: a new person holding those roles in `org`."""

    def make(organisation: Organisation, *roles: str, **fields: object) -> User:
        user = make_user(**fields)
        services.membership_grant(actor=None, organisation=organisation, user=user, roles=roles or ["reviewer"])
        return user

    return make


def host_of(organisation: Organisation | None) -> str:
    return settings.HUB_BASE_DOMAIN if organisation is None else f"{organisation.slug}.{settings.HUB_BASE_DOMAIN}"


@pytest.fixture
def client_on(db: None) -> Callable[..., Client]:
    """`client_on(org, user)`: a test client talking to `org`'s host (None: the public site).

    The person is signed in with the second factor passed; `verified=False` signs them in
    with the password only (to test what two-factor sign-in requires).
    """

    def make(organisation: Organisation | None, user: User | None = None, *, verified: bool = True) -> Client:
        client = Client(HTTP_HOST=host_of(organisation))
        if user is not None:
            client.force_login(user)
            if verified:
                verify_second_factor(client, user)
        return client

    return make


@pytest.fixture
def committing_db(django_db_setup: None, django_db_blocker: pytest.FixtureRequest, world: World) -> Iterator[None]:
    """Database access without a wrapping transaction, for tests that need real commits.

    Afterwards every row added to the public schema (by id) and every new schema is removed,
    so the session's world stays as it was.
    """
    with django_db_blocker.unblock():
        # Never commit into a real database, whatever the collection order did.
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        connection.set_schema_to_public()
        before = _public_high_water_marks()
        heads_before = _audit_heads()
        schemas_before = _schemas()
        try:
            yield
        finally:
            connection.set_schema_to_public()
            _remove_rows_added_since(before, heads_before)
            for schema in _schemas() - schemas_before:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _public_id_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'id' AND data_type IN ('bigint', 'integer')"
        )
        return [row[0] for row in cursor.fetchall()]


def _public_high_water_marks() -> dict[str, int]:
    marks = {}
    with connection.cursor() as cursor:
        for table in _public_id_tables():
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM public."{table}"')
            marks[table] = cursor.fetchone()[0]
    return marks


def _audit_heads() -> list[tuple[object, ...]]:
    """The audit chains' head rows, to put back after a test's events are removed (core/audit.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, seq, last_id, next_id, head_hash, mac FROM core_auditchain")
        return cursor.fetchall()


def _remove_rows_added_since(marks: dict[str, int], audit_heads: list[tuple[object, ...]]) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # The audit tables are append-only (a trigger); this setting is the documented way through
        # (core.audit.audit_maintenance), for this transaction only.
        cursor.execute("SELECT set_config('hub.audit_maintenance', 'on', true)")
        for head_id, *values in audit_heads:
            cursor.execute(
                "UPDATE core_auditchain SET seq = %s, last_id = %s, next_id = %s, head_hash = %s, mac = %s "
                "WHERE id = %s",
                [*values, head_id],
            )
        # An event's id is reserved by its predecessor, so it may be below the high-water mark.
        cursor.execute(
            "DELETE FROM core_auditevent e USING core_auditchain h WHERE e.chain = h.chain AND e.seq > h.seq "
            "AND h.id <= %s",
            [marks.get("core_auditchain", 0)],
        )
        # Notifications are kept in each organisation's schema and point at people added since.
        for schema in _schemas():
            for table, column in (
                ("notifications_notification", "recipient_id"),
                ("notifications_preference", "user_id"),
            ):
                cursor.execute("SELECT to_regclass(%s)", [f'"{schema}"."{table}"'])
                if cursor.fetchone()[0] is not None:
                    cursor.execute(
                        f'DELETE FROM "{schema}"."{table}" WHERE {column} > %s', [marks.get("tenants_user", 0)]
                    )
        for table in _public_id_tables():
            cursor.execute(f'DELETE FROM public."{table}" WHERE id > %s', [marks.get(table, 0)])


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'org\\_%%'")
        return {row[0] for row in cursor.fetchall()}
