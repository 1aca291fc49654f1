"""`{% oidc_sign_in next %}`: the "Sign in with <provider>" link, shown only when OIDC sign-in is configured."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("tenants/_oidc_sign_in.html")
def oidc_sign_in(next_url: str = "") -> dict[str, object]:
    """Context for the link: `enabled`, the provider's display name and the start URL carrying `next`."""
    if not settings.HUB_OIDC_ENABLED:
        return {"enabled": False}
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    return {"enabled": True, "name": settings.HUB_OIDC_NAME, "url": reverse("oidc_authentication_init") + query}
