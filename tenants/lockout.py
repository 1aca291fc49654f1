"""Sign-in throttling and lockout: what django-axes needs from the hub, and what a lockout tells people.

Rule (settings in hub/settings/base.py, from the environment): after `AXES_FAILURE_LIMIT`
(`HUB_LOGIN_FAILURE_LIMIT`, default 5) failed attempts for one email address from one IP address
within `AXES_COOLOFF_TIME` (`HUB_LOGIN_COOLOFF_MINUTES`, default 15), that pair is refused until the
cool-off has passed since its last counted failure. Wrong passwords and wrong second-factor codes
both count (`failure_record`). Each lockout writes one `sign_in.locked_out` audit event.

The client address is `REMOTE_ADDR`, unless the operator says how many reverse proxies of theirs
stand in front of the hub (`HUB_TRUSTED_PROXY_COUNT`): then it is the address the outermost of
them saw, read from the right of `X-Forwarded-For`, so a client cannot choose it by sending the
header itself. An IPv6 client is counted by its /64 network, the block one connection is given.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import audit_record

LOCKOUT_STATUS = 429
IPV6_PREFIX = 64  # IPv6 attempts are counted per /64 network (`client_ip`)


def normalise_email(value: object) -> str:
    """The form of an email address that attempts are counted under: stripped and lower-case."""
    return str(value or "").strip().lower()


def username_of(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the address typed (credentials first, then the form), normalised."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    email = normalise_email(raw)
    return email or None


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or the address the outermost trusted proxy saw.

    With `HUB_TRUSTED_PROXY_COUNT = n > 0`, each of the operator's n proxies appends the address
    it received from to X-Forwarded-For, so the client is the n-th entry from the right; anything
    further left was sent by the client and is ignored. A header shorter than n means the request
    did not come through the proxies: REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "HUB_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return _network_of(remote)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return _network_of(remote)
    return _network_of(forwarded[-count])


def _network_of(address: str | None) -> str | None:
    """An IPv6 address as its /64 (the first address of it); anything else unchanged.

    One home or server connection is given a whole /64, so counting single IPv6 addresses would
    let one attacker try 2^64 "addresses" five times each.
    """
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def locked_until(request: HttpRequest, email: str) -> datetime | None:
    """When the lockout of (email, this request's IP) ends; None when it is not locked out now."""
    credentials = {"username": email}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    cool_off = get_cool_off(request) or timedelta(0)
    ip = getattr(request, "axes_ip_address", None)
    last = (
        AccessAttempt.objects.filter(username=email, ip_address=ip)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def lockout_message(until: datetime | None) -> str:
    """What the sign-in page says while locked out: when to try again, in the hub's time zone."""
    if until is None:
        return "Too many failed attempts. Try again later."
    local = timezone.localtime(until)
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return (
        f"Too many failed attempts for this email address from your network. Sign-in is paused: "
        f"try again after {local:%H:%M} UK time ({minutes} minute{'s' if minutes != 1 else ''} from now). "
        "If you have forgotten your password, ask your organisation admin."
    )


def failure_record(request: HttpRequest, email: str) -> bool:
    """Count one failed attempt (a wrong second-factor code) for (email, IP); True if now locked out."""
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE, called by AxesMiddleware when a request was refused by a lockout.

    The sign-in views answer a lockout themselves (the page with its message, 429) and keep that
    answer on the request as `hub_lockout_page`; this hands it back. Anything else that trips a
    lockout gets a plain 429 page saying when to try again.
    """
    page = getattr(request, "hub_lockout_page", None)
    if isinstance(page, HttpResponse):
        return page
    email = username_of(request, credentials if isinstance(credentials, dict) else None) or ""
    message = lockout_message(locked_until(request, email) if email else None)
    body = render_to_string("tenants/locked_out.html", {"message": message}, request=request)
    return HttpResponse(body, status=LOCKOUT_STATUS)


@receiver(user_locked_out, dispatch_uid="tenants.lockout.audit")
def _audit_lockout(sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any) -> None:
    # axes also sends this for each attempt refused *during* a lockout; only the failure that
    # starts one has counted failures on the request. The address typed is the target; no
    # password, code or IP goes into the trail.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    audit_record(
        action="sign_in.locked_out",
        actor=None,
        target_type="sign_in",
        target_id=normalise_email(username)[:200],
        detail={
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int((get_cool_off(request) or timedelta(0)).total_seconds() // 60),
        },
    )


def failures_reset(request: HttpRequest, email: str) -> None:
    """Forget the failed attempts of (email, this IP) once the whole sign-in has succeeded."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(ip_address=getattr(request, "axes_ip_address", None), username=email)
