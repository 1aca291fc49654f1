"""Two-factor sign-in: who needs it, enrolling an authenticator, recovery codes, verifying a session.

Who needs it (`requires_second_factor`): every platform operator, and anyone who holds a scope in
`tenants.scopes.SECOND_FACTOR_SCOPES` in any organisation (scopes, so procedure-granted review
counts). Anyone else may enrol voluntarily; once enrolled, sign-in always asks for the code.

A person has at most one authenticator (a confirmed django-otp `TOTPDevice`) and, with it, one set
of 10 single-use recovery codes (a `StaticDevice`). django-otp 1.7 stores static tokens as typed,
so the hub stores only a digest of each code (`recovery_digest`); the codes themselves are shown
once and never kept. Wrong codes are throttled per device by django-otp (1, 2, 4, 8 … seconds)
and also count towards the sign-in lockout (tenants.lockout).

Every enrolment, failed verification, use of a recovery code, new set of codes and removal writes
an audit event with no code or secret in it.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from time import time

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import crypto
from core.audit import audit_record
from tenants.models import Membership, User
from tenants.scopes import SECOND_FACTOR_SCOPES, scopes_for_roles, scopes_of, scopes_of_many

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


# --- Who needs it --------------------------------------------------------------------------


def requires_second_factor_in(user: User, membership: Membership | None) -> bool:
    """Whether this person's rights *here* (one membership, or the public site's) need the second factor."""
    if user.is_staff:
        return True
    return bool(membership is not None and scopes_of(membership) & SECOND_FACTOR_SCOPES)


def requires_second_factor(user: User) -> bool:
    """Whether the person needs the second factor anywhere: operator, or a listed scope in any organisation.

    The role table decides most people with no query beyond their memberships; scope providers
    (procedure roles, named deputies) are asked only when it does not.
    """
    if user.is_staff:
        return True
    memberships = list(Membership.objects.filter(user=user))
    if any(scopes_for_roles(m.roles) & SECOND_FACTOR_SCOPES for m in memberships):
        return True
    return any(scopes & SECOND_FACTOR_SCOPES for scopes in scopes_of_many(memberships))


def authenticator_of(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def socket_admits(*, user_id: int, organisation_id: int, device_id: str | None) -> bool:
    """Whether a session (its django-otp device id, or None) passes the second-factor gate here.

    What `hub.middleware.SecondFactorMiddleware` asks of pages, for a WebSocket: a session that
    passed the second factor with one of the person's confirmed devices, or a person who has no
    authenticator and whose rights here do not need one.
    """
    if device_id:
        device = Device.from_persistent_id(device_id)
        if device is not None and device.user_id == user_id and device.confirmed:
            return True
    user = User.objects.filter(pk=user_id).first()
    if user is None or has_second_factor(user):
        return False
    membership = Membership.objects.filter(user_id=user_id, organisation_id=organisation_id).first()
    return not requires_second_factor_in(user, membership)


# --- Enrolment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provisioning:
    """What the setup page shows: the secret to type, the otpauth URI, and the QR code as inline SVG."""

    secret: str  # base32, in groups of four for typing
    uri: str
    qr_svg: str


def authenticator_pending(user: User) -> TOTPDevice:
    """The person's unconfirmed authenticator (created on first call; the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def provisioning(device: TOTPDevice) -> Provisioning:
    """The secret, URI and QR code (SVG, no script) for adding `device` to an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    uri = device.config_url
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="#fff", title="QR code for your authenticator app")
    return Provisioning(secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), uri=uri, qr_svg=svg)


def authenticator_confirm(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a pending authenticator with a code from it; returns 10 new recovery codes (show once).

    Raises ValidationError({"code": ...}) when the code is wrong, or when the person already
    has a confirmed authenticator (remove it first).
    """
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError({"code": "This authenticator is not waiting to be set up. Start again."})
    if has_second_factor(actor):
        raise ValidationError({"code": "You already have an authenticator. Remove it before adding another."})
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": _wrong_code_message(device)})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        audit_record(action="two_factor.enrol", actor=actor, target=device, detail={"method": "totp"})
        return recovery_codes_generate(actor=actor, audited=False)


def recovery_codes_generate(*, actor: User, audited: bool = True) -> list[str]:
    """Replace the person's recovery codes with 10 new ones; the old ones stop working at once.

    Returns the codes as the person must type them (`abcd-efgh-ijkl`); only digests are stored.
    Raises ValidationError when the person has no authenticator (the codes back one up).
    """
    if not has_second_factor(actor):
        raise ValidationError("Set up an authenticator app first; recovery codes back it up.")
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=actor).delete()
        device = StaticDevice.objects.create(user=actor, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_digest(c)) for c in codes)
        if audited:
            audit_record(
                action="two_factor.recovery_codes_generate",
                actor=actor,
                target=device,
                detail={"count": RECOVERY_CODE_COUNT},
            )
    return codes


def second_factor_remove(*, actor: User, code: str) -> None:
    """Remove the person's authenticator and recovery codes, after a fresh code from either.

    Removing one's last device is a re-verification: the code must be right now, whatever the
    session has passed. Raises ValidationError({"code": ...}) otherwise.
    """
    result = second_factor_verify(user=actor, code=code)
    if result.device is None:
        raise ValidationError({"code": result.message})
    with transaction.atomic():
        removed = _devices_delete(actor)
        audit_record(
            action="two_factor.remove",
            actor=actor,
            target_type="tenants.user",
            target_id=actor.pk,
            detail={"devices": removed, "by": "self"},
        )


def second_factor_reset(*, actor: User | None, user: User) -> int:
    """An operator's reset for a person who lost their phone and codes: removes every device.

    The person enrols again at their next sign-in if their rights need it. Returns how many
    devices were removed.
    """
    with transaction.atomic():
        removed = _devices_delete(user)
        audit_record(
            action="two_factor.remove",
            actor=actor,
            target_type="tenants.user",
            target_id=user.pk,
            detail={"devices": removed, "by": "operator"},
        )
    return removed


# --- Verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The outcome of one code: the device that accepted it (None: refused) and what to tell the person."""

    device: TOTPDevice | StaticDevice | None
    message: str = ""
    throttled_until: datetime | None = None


def second_factor_verify(*, user: User, code: str) -> Verification:
    """Check a code from the person's authenticator (6 digits) or one of their recovery codes.

    A recovery code is used up. A wrong code is audited (`two_factor.verify_failed`) and makes the
    device wait before the next try (django-otp's throttling); while it waits, every code is refused
    with the time it may be tried again.
    """
    typed = _normalise(code)
    if typed.isdigit():
        device: TOTPDevice | StaticDevice | None = authenticator_of(user)
        method = "totp"
        token = typed
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        method = "recovery_code"
        token = recovery_digest(typed) if typed else ""
    if device is None:
        return Verification(None, "That code is not right. Enter the 6 digits your authenticator app shows now.")
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        return Verification(None, _throttled_message(until), until)
    with transaction.atomic():
        device = type(device).objects.select_for_update(no_key=True).get(pk=device.pk)
        accepted = bool(token) and device.verify_token(token)
    if accepted:
        if method == "recovery_code":
            audit_record(
                action="two_factor.recovery_code_used",
                actor=user,
                target=device,
                detail={"codes_left": device.token_set.count()},
            )
        return Verification(device)
    audit_record(
        action="two_factor.verify_failed",
        actor=user,
        target=device,
        detail={"method": method, "consecutive_failures": device.throttling_failure_count},
    )
    return Verification(None, _wrong_code_message(device))


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device accepts next (respecting its last used step): the demo page and tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time() if at is None else at
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def _devices_delete(user: User) -> int:
    """Delete the person's authenticators and recovery-code sets; how many devices (not codes) went."""
    count = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return count


# --- Helpers ---------------------------------------------------------------------------------


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: 16 hex digits of its SHA-256 (the column holds 16).

    Codes are 60 random bits, so a stolen digest cannot be turned back into a code by guessing.
    """
    return crypto.hash_token("hub-recovery-code:" + _normalise(code))[:16]


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(8)).decode("ascii").lower()[:12]
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def _normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "").lower() if ch.isalnum())[:32]


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())[:8]


def _throttled_message(until: datetime | None) -> str:
    if until is None:
        return "Too many wrong codes. Wait a moment, then try again."
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return (
        f"Too many wrong codes: wait {seconds} second{'s' if seconds != 1 else ''} "
        f"(until {timezone.localtime(until):%H:%M:%S}), then enter the code your app shows at that time."
    )


def _wrong_code_message(device: TOTPDevice | StaticDevice) -> str:
    allowed, info = device.verify_is_allowed()
    message = "That code is not right. Check your authenticator app and enter the 6 digits it shows now"
    message += ", or one of your recovery codes."
    if not allowed:
        message += " " + _throttled_message((info or {}).get("locked_until"))
    return message
