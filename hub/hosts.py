"""Absolute URLs across host names: the public site and each organisation's own host."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def _port_suffix(request: HttpRequest) -> str:
    # The port the person typed (from the Host header), so links work behind any port mapping.
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    default = "443" if request.is_secure() else "80"
    return "" if port in {default, ""} else f":{port}"


def public_url(request: HttpRequest, path: str = "/") -> str:
    return f"{request.scheme}://{settings.HUB_BASE_DOMAIN}{_port_suffix(request)}{path}"


def organisation_url(request: HttpRequest, slug: str, path: str = "/") -> str:
    return f"{request.scheme}://{slug}.{settings.HUB_BASE_DOMAIN}{_port_suffix(request)}{path}"


def is_hub_url(url: str) -> bool:
    """True for relative URLs and absolute ones on the base domain or its subdomains."""
    parts = urlsplit(url)
    if not parts.netloc:
        return not parts.scheme and url.startswith("/") and not url.startswith("//")
    if parts.scheme not in {"http", "https"}:
        return False
    host = (parts.hostname or "").lower()
    base = settings.HUB_BASE_DOMAIN
    return host == base or host.endswith("." + base)
