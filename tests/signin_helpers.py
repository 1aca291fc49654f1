"""Signing in through the real sign-in form, code step included, for tests.

* `sign_in(client, email, password)`: a Django test client, through /login/ and /login/code/
  (or setting up an authenticator when the person must and has none); returns the last response.
* `totp_code(device)`: the code a person's authenticator shows now, and that the hub accepts next
  (a code is accepted once: a second sign-in in the same 30 s uses the next step's code).
* `code_from_database(database_url, email)`: the same, for a hub running in another process on
  its own database (real-server and browser tests).
* `browser_sign_in(page, url, email, password, database_url)`: Playwright, through the form and
  whichever code step the hub asks for. `url(path)` makes the public site's address.

Tests that sign in many times with wrong passwords or codes use their own people (or
`axes.utils.reset()`): five failures for one (email, IP) lock that pair out for 15 minutes.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import psycopg
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_PATH = "/login/"
CODE_PATH = "/login/code/"
SETUP_PATH = "/account/two-factor/setup/"


def code_at(key_hex: str, *, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0, last_t: int = -1) -> str:
    """The code for the first time step the device still accepts (now, or the one after its last used)."""
    totp = TOTP(bytes.fromhex(key_hex), step, t0, digits, drift)
    while last_t + 1 > totp.t() + 1:  # beyond the device's tolerance of one step ahead: wait for the clock
        time.sleep(0.5)
    wanted = max(totp.t(), last_t + 1)
    totp.time = t0 + (wanted - drift) * step
    return f"{totp.token():0{digits}d}"


def totp_code(device: TOTPDevice) -> str:
    """The code `device` accepts next (reads its last used step from the database)."""
    device.refresh_from_db()
    return code_at(
        device.key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift, last_t=device.last_t
    )


def code_from_database(database_url: str, email: str) -> str:
    """The code a person's confirmed authenticator accepts next, read from another process's database."""
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT d.key, d.step, d.t0, d.digits, d.drift, d.last_t FROM public.otp_totp_totpdevice d "
            "JOIN public.tenants_user u ON u.id = d.user_id WHERE u.email = %s AND d.confirmed "
            "ORDER BY d.id DESC LIMIT 1",
            [email.lower()],
        ).fetchone()
    assert row is not None, f"{email} has no authenticator"
    key, step, t0, digits, drift, last_t = row
    return code_at(key, step=step, t0=t0, digits=digits, drift=drift, last_t=last_t)


def code_from_secret(secret_b32: str) -> str:
    """The current code for a base32 key as shown on the setup page (spaces allowed)."""
    raw = secret_b32.replace(" ", "").upper()
    key = base64.b32decode(raw + "=" * (-len(raw) % 8)).hex()
    return code_at(key)


def sign_in(client: Client, email: str, password: str, *, next_url: str = "") -> Any:
    """Sign in through the form and the code step; sets up an authenticator when the hub asks for one."""
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN_PATH, data)
    location = response.get("Location", "") if response.status_code == 302 else ""
    path = urlsplit(location).path
    if path == CODE_PATH:
        device = TOTPDevice.objects.get(user__email=email.lower(), confirmed=True)
        return client.post(CODE_PATH, {"code": totp_code(device), "next": next_url})
    if path == SETUP_PATH:
        page = client.get(SETUP_PATH)
        secret = re.search(rb'data-testid="totp-secret">([A-Z2-7 ]+)<', page.content)
        assert secret is not None, "the setup page shows no key"
        return client.post(SETUP_PATH, {"code": code_from_secret(secret.group(1).decode()), "next": next_url})
    return response


def browser_sign_in(page: Any, url: Callable[[str], str], email: str, password: str, database_url: str) -> None:
    """Playwright: the sign-in form, then the code step (or setting up an authenticator) if asked."""
    page.goto(url(LOGIN_PATH))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == CODE_PATH:
        page.get_by_label("Code").fill(code_from_database(database_url, email))
        page.get_by_role("button", name="Continue").click()
    elif path == SETUP_PATH:
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.get_by_label("Code").fill(code_from_secret(secret))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_load_state()
