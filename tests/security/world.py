"""The attack suite's world: organisation B with real objects and one person per role, and an attacker in A.

B (the victim) is Alderley: the rights matrix's builder (`tests/hub/test_rights_matrix.py`,
which reuses every app's `matrix_objects`) gives it one single-role member per role, an API
token each and a real object behind every URL kwarg (its counterpart there, the other party to
the agreement and the source of a check shared with B, is Brackenford). A (the attacker's
organisation) is the Northern HE Network, party to none of those objects: one person holding
every role there, signed in, with an API token of A's. (A fresh organisation would cost a
schema's migrations, ≈10 s.) A's schema holds none of B's rows, so B's ids on A's host name
nothing of A's, except seeded rows every schema has (see `AttackWorld.values`).
The world is built once per module inside a transaction rolled back at the end (see
`conftest.attack_world`); every request then runs in a savepoint rolled back after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client
from django_tenants.utils import tenant_context

from speakers import selectors as speaker_selectors
from tenants import services as tenant_services
from tenants.models import Membership, Organisation, Role, User
from tenants.scopes import Scope, scopes_of
from tests.conftest import host_of
from tests.factories import UserFactory, verify_second_factor
from tests.hub.test_rights_matrix import MatrixWorld, _build
from tests.security.expectations import (
    ANONYMOUS,
    PASSWORD_ONLY,
    PASSWORD_ONLY_ROLES,
    STRANGER,
    STRANGER_IDS,
    STRANGER_TOKEN,
)


def member(organisation: Organisation, *roles: str, **fields: object) -> User:
    """A new person holding `roles` in `organisation` (the `member` fixture, usable outside a test)."""
    user = UserFactory(**fields)
    tenant_services.membership_grant(actor=None, organisation=organisation, user=user, roles=roles or ["reviewer"])
    return user


@dataclass
class AttackWorld:
    victim: Organisation  # B
    attacker: Organisation  # A
    matrix: MatrixWorld  # B's people per role, their tokens, B's object ids
    stranger: User  # A's member holding every role
    clients: dict[str, Client] = field(default_factory=dict)  # who -> a client on the right host
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # who -> extra request headers
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # who -> roles held where it calls
    held: dict[str, frozenset[Scope]] = field(default_factory=dict)  # who -> scopes held where it calls
    sees_event_request: dict[str, bool] = field(default_factory=dict)  # who -> B's speaker request visible

    def values(self, route_name: str, who: str) -> dict[str, object]:
        """B's object id for every URL kwarg of `route_name`; a token id is the caller's own when
        the caller is one of B's people, else B's Prevent lead's."""
        matrix = self.matrix
        roles = self.roles.get(who) if who != STRANGER_IDS else None
        return {
            **matrix.kwargs,
            **matrix.per_route.get(route_name, {}),
            "token_id": matrix.tokens[roles[0] if roles else Role.PREVENT_LEAD],
        }


def _client(organisation: Organisation | None, user: User | None, *, verified: bool = True) -> Client:
    client = Client(HTTP_HOST=host_of(organisation))
    if user is not None:
        client.force_login(user)
        if verified:
            verify_second_factor(client, user)
    return client


def build_world(victim: Organisation, counterpart: Organisation, attacker: Organisation) -> AttackWorld:
    """Everything the generated suite calls with; see the module docstring."""
    matrix = _build(victim, counterpart, member)
    stranger = member(attacker, *Role.values, full_name="Tomasz Achterberg")
    _, raw_token = tenant_services.api_token_create(actor=stranger, organisation=attacker, name="attack")
    world = AttackWorld(victim=victim, attacker=attacker, matrix=matrix, stranger=stranger)

    world.clients[ANONYMOUS] = _client(victim, None)
    world.clients[STRANGER] = _client(victim, stranger)
    world.clients[STRANGER_TOKEN] = _client(victim, None)
    world.headers[STRANGER_TOKEN] = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}
    world.clients[STRANGER_IDS] = _client(attacker, stranger)
    with tenant_context(attacker):
        world.held[STRANGER_IDS] = scopes_of(Membership.objects.get(user=stranger, organisation=attacker))
    world.roles[STRANGER_IDS] = tuple(Role.values)

    with tenant_context(victim):
        for role in Role.values:
            person = matrix.people[role]
            membership = Membership.objects.get(user=person, organisation=victim)
            callers = [role] + ([PASSWORD_ONLY + role] if role in PASSWORD_ONLY_ROLES else [])
            visible = (
                speaker_selectors.event_requests_visible_to(membership).filter(pk=matrix.event_request_pk).exists()
            )
            for who in callers:
                world.clients[who] = _client(victim, person, verified=not who.startswith(PASSWORD_ONLY))
                world.roles[who] = (role,)
                world.held[who] = scopes_of(membership)
                world.sees_event_request[who] = visible
    return world
