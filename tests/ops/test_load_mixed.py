"""The mixed load (bench/load_mixed.py) run briefly in CI: a real server, clients in a second process.

Searches, page views, decisions and shares for a few seconds against uvicorn on loopback; no
request may end in a server error, and every kind must have been made. Speed is not asserted
here (a timed test on a shared machine only flakes); `python -m bench.load_mixed` measures it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.load_mixed import KINDS, seed
from tenants.models import Organisation
from tests.notifications.servers import subprocess_env, uvicorn_servers
from tests.ops.helpers import ROOT, tenant_rows_added_removed

SECONDS = 10


def test_these_committing_tests_run_against_a_test_database(db):
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_")


def test_a_mixed_load_from_another_process_gets_no_server_error(committing_db, world, tmp_path):
    # given: two providers with an agreement in force, assessed requests to decide, decided ones to share
    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    with tenant_rows_added_removed(org_a.schema_name, org_b.schema_name):
        plan = seed(org_a, org_b, requests=40, decided=8)
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")

        # when: four clients in their own process load the hub served by uvicorn for a few seconds
        with uvicorn_servers(subprocess_env(), 1) as (port,):
            run = subprocess.run(
                [sys.executable, "-m", "bench.load_mixed", "--client", str(plan_file), "--port", str(port),
                 "--seconds", str(SECONDS), "--threads", "4", "--json"],
                cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120, check=False,
            )  # fmt: skip

    # then: every kind was made, nothing failed on the server, and every answer was the expected one
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    print("\n" + json.dumps(figures, indent=1))  # noqa: T201 (with -s: the run's figures)
    assert {kind: figures["kinds"][kind]["requests"] > 0 for kind in KINDS} == dict.fromkeys(KINDS, True)
    assert figures["overall"]["5xx"] == 0
    assert figures["overall"]["unexpected"] == {}
