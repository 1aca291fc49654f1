"""One normal form of a host name for HTTP and WebSocket routing (generated cases)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.hosts import normalise_host, organisation_slug_of
from tenants.services import RESERVED_SLUGS

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True)
ports = st.one_of(st.just(""), st.integers(min_value=1, max_value=65535).map(lambda p: f":{p}"))


def _spell(text: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips + [False] * len(text), strict=False))


@given(slug=slugs, flips=st.lists(st.booleans(), max_size=60), trailing_dot=st.booleans(), port=ports)
def test_every_spelling_of_an_organisation_host_normalises_to_one_name(slug, flips, trailing_dot, port):
    canonical = f"{slug}.hub.localhost"
    spelled = _spell(canonical, flips) + ("." if trailing_dot else "") + port

    assert normalise_host(spelled) == canonical
    assert organisation_slug_of(normalise_host(spelled)) == (None if slug in RESERVED_SLUGS else slug)


@given(host=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789.-:[]", max_size=40))
def test_normalising_is_idempotent_and_never_leaves_upper_case_or_a_trailing_dot(host):
    once = normalise_host(host)

    assert normalise_host(once) == once or ":" in once  # an unbracketed second colon is left for ALLOWED_HOSTS
    assert once == once.lower()
    assert not once.endswith(".")


def test_ipv6_literals_keep_their_colons():
    assert normalise_host("[::1]:8000") == "[::1]"
