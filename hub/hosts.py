"""Absolute URLs across host names: the public site and each organisation's own host."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest


def _port_suffix(request: HttpRequest) -> str:
    # The port the person typed (from the Host header), so links work behind any port mapping.
    try:
        host = request.get_host()
    except DisallowedHost:
        # The 400 page for a refused Host header links to the default port; asking again here
        # raised inside the error page itself, which turned the 400 into a 500 (tests/security).
        return ""
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    default = "443" if request.is_secure() else "80"
    return "" if port in {default, ""} else f":{port}"


def public_url(request: HttpRequest, path: str = "/") -> str:
    return f"{request.scheme}://{settings.HUB_BASE_DOMAIN}{_port_suffix(request)}{path}"


def organisation_url(request: HttpRequest, slug: str, path: str = "/") -> str:
    return f"{request.scheme}://{slug}.{settings.HUB_BASE_DOMAIN}{_port_suffix(request)}{path}"


def organisation_absolute_url(slug: str, path: str = "/") -> str:
    """`path` on the organisation's host, for links made outside a request (emails, calendars).

    Scheme and port come from ``HUB_PUBLIC_URL`` (e.g. ``http://hub.localhost:8000`` gives
    ``http://<slug>.hub.localhost:8000<path>``).
    """
    parts = urlsplit(settings.HUB_PUBLIC_URL)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{slug}.{settings.HUB_BASE_DOMAIN}{port}{path}"


def is_hub_url(url: str) -> bool:
    """True for relative URLs and absolute ones on the base domain or its subdomains.

    A backslash, whitespace or control character anywhere refuses the URL: browsers read `\\` as
    `/` and drop tabs, so `/\\evil.example` and `https://evil.example\\@hub…` lead elsewhere.
    """
    if any(ch == "\\" or ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    parts = urlsplit(url)
    if not parts.netloc:
        return not parts.scheme and url.startswith("/") and not url.startswith("//")
    if parts.scheme not in {"http", "https"}:
        return False
    host = (parts.hostname or "").lower()
    base = settings.HUB_BASE_DOMAIN
    return host == base or host.endswith("." + base)


def normalise_host(raw: str) -> str:
    """The one form of a Host header that HTTP and WebSocket routing both look up.

    Lower-case, without the port (``host:8000``, ``[::1]:8000``) and without a trailing dot
    (``alderley.hub.localhost.`` names the same place), so ``NORTHMOOR.hub.localhost``
    and ``northmoor.hub.localhost`` reach the same organisation by either protocol.
    """
    host = raw.strip().lower()
    if host.startswith("["):  # an IPv6 literal keeps its colons
        host = host[: host.find("]") + 1] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if ":" in host else host
    return host.rstrip(".")


def organisation_slug_of(host: str) -> str | None:
    """The organisation label of a normalised host `<slug>.<base domain>`, or None if it is not of that form.

    Well-formed is decided by shape alone (the slug rules of `tenants.services`), never by
    whether such an organisation exists, so callers can answer before revealing existence.
    """
    from tenants.services import RESERVED_SLUGS, SLUG_PATTERN

    suffix = "." + settings.HUB_BASE_DOMAIN
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    if label in RESERVED_SLUGS or not SLUG_PATTERN.match(label):
        return None
    return label
