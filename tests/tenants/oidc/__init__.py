"""A real OpenID Connect provider on loopback for the sign-in tests (node `oidc-provider`, see provider.mjs).

`start_provider(clients, accounts)` installs the pinned `oidc-provider` into var/oidc-provider once
(cached; a fresh clone installs it on first use with npm, and the test fails saying why when it
cannot), starts provider.mjs on a free loopback port and returns a `Provider` to stop it.
`drive(session, url, login)` plays the person at the provider's development sign-in and consent
pages until it redirects back to the hub, and returns that redirect URL.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
PREFIX = ROOT / "var" / "oidc-provider"
VERSION = "9.13.3"  # panva/node-oidc-provider, an OpenID Certified implementation
SCRIPT = Path(__file__).with_name("provider.mjs")


def provider_module() -> Path:
    """oidc-provider's entry point, installing VERSION into var/oidc-provider if it is not there yet."""
    package = PREFIX / "node_modules" / "oidc-provider" / "package.json"
    PREFIX.mkdir(parents=True, exist_ok=True)
    with open(PREFIX / ".install-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test workers may both get here on a fresh clone
        if not package.exists() or json.loads(package.read_text())["version"] != VERSION:
            npm = shutil.which("npm")
            if npm is None or shutil.which("node") is None:
                pytest.fail("the OIDC sign-in tests need Node.js and npm (apt-get install nodejs npm)")
            result = subprocess.run(
                [npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", f"oidc-provider@{VERSION}"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if result.returncode != 0:
                pytest.fail(f"could not install oidc-provider@{VERSION} with npm:\n{result.stderr[-2000:]}")
    return package.parent / "lib" / "index.js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_provider(clients: list[dict[str, object]], accounts: dict[str, dict[str, object]]) -> Provider:
    """Start provider.mjs on a free loopback port; returns once it answers its discovery document."""
    module = provider_module()
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "OIDC_PROVIDER_MODULE": str(module),
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    node = shutil.which("node") or "node"
    process = subprocess.Popen([node, str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OIDC provider exited: {process.stderr.read() if process.stderr else ''}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return Provider(issuer, process)
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    pytest.fail("the OIDC provider did not start within 20 s")


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
_PROMPT = re.compile(r'name="prompt" value="(\w+)"')


def drive(session: requests.Session, url: str, login: str, back_to: str) -> str:
    """Follow the provider from `url`, signing in as `login` and consenting, until it redirects to `back_to`."""
    response = session.get(url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(back_to):
                return target
            response = session.get(target, allow_redirects=False, timeout=10)
            continue
        form = _FORM.search(response.text)
        assert form, f"the provider showed no form: {response.status_code} {response.text[:500]}"
        action, body = urljoin(response.url, unescape(form.group(1))), form.group(2)
        prompt = _PROMPT.search(body)
        assert prompt, body
        data = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            data.update(login=login, password="any password: the development sign-in page accepts it")
        response = session.post(action, data=data, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
