"""PostgreSQL stopped and started again under a write load: clean failures while down, recovery without a hub restart.

One uvicorn process serves the hub against the private cluster. Three client threads, each a
signed-in reviewer at Alderley, keep sharing decided requests' checks (each share seals two
envelopes, wraps keys for the archive and every recipient channel and writes an audit event) and
raising welfare concerns through the forms. Mid-load the cluster is stopped (`pg_ctl stop -m fast`,
or `-m immediate`, which is a crash and makes the next start replay the WAL) for two seconds and
started again. Afterwards the rows that must go together are checked (`hub_script invariants`)
and the audit chain verified.
"""

from __future__ import annotations

import itertools
import statistics
import threading
import time

import pytest

from tests.faults.clients import LEAKS, Outcome, concern_form, request
from tests.faults.servers import hub_server

LOAD_BEFORE, DOWN_FOR, LOAD_AFTER = 1.5, 2.0, 4.0
THREADS = 3


def _load(port: int, cookie: str, requests: list[int], stop: threading.Event, out: list[Outcome], seed: int) -> None:
    counter = itertools.count(seed * 1000)
    for request_id in itertools.cycle(requests[seed:] + requests[:seed]):
        if stop.is_set():
            return
        n = next(counter)
        out.append(request(port, "alderley", "POST", f"/speakers/{request_id}/share/", cookie))
        if stop.is_set():
            return
        out.append(request(port, "alderley", "POST", "/welfare/concerns/new/", cookie, concern_form(n)))


def _until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("mode", "pooled"),
    [("fast", False), ("immediate", False), ("immediate", True)],
    ids=["fast", "immediate", "immediate-pooled"],
)
def test_postgres_stopped_under_write_load_fails_cleanly_and_recovers_without_restarting_the_hub(
    private_hub, tmp_path, mode, pooled
):
    world = private_hub.world
    before = private_hub.json("invariants")["counts"]
    outcomes: list[list[Outcome]] = [[] for _ in range(THREADS)]
    stop = threading.Event()
    # pooled: the production default, a connection pool per process whose connections all died with
    # the server; each is checked before it is lent, so the first requests after the start succeed.
    # While the server is down a request waits for a connection up to HUB_DB_POOL_TIMEOUT (10 s by
    # default, so a short restart is waited out), then gets the 503; 1 s here, inside the outage.
    pool = {"HUB_TEST_DB_POOL": "1", "HUB_DB_POOL_TIMEOUT": "1"} if pooled else {"HUB_TEST_DB_POOL": ""}
    env = {**private_hub.env(), **pool}
    with hub_server(env, tmp_path / "uvicorn.log") as (port, process):
        threads = [
            threading.Thread(
                target=_load, args=(port, world["reviewer_cookies"][i], world["requests"], stop, outcomes[i], i)
            )
            for i in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        _until(lambda: sum(len(o) for o in outcomes) >= 2 * THREADS, timeout=60)  # warmed up
        time.sleep(LOAD_BEFORE)
        stopping = time.monotonic()
        private_hub.postgres.stop(mode)
        down = time.monotonic()
        time.sleep(DOWN_FOR + (1.5 if pooled else 0))  # pooled: room for whole 1 s waits inside
        starting = time.monotonic()
        private_hub.postgres.start()
        up = time.monotonic()
        time.sleep(LOAD_AFTER)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        served_throughout = process.poll() is None
    log = (tmp_path / "uvicorn.log").read_text(errors="replace")

    every = sorted((o for thread in outcomes for o in thread), key=lambda o: o.started)
    before_stop = [o for o in every if o.ended < stopping]
    while_down = [o for o in every if o.started >= down and o.ended <= starting]
    after_start = [o for o in every if o.started >= up]
    first_success = next((o for o in after_start if o.ok), None)
    statuses = sorted({o.status for o in while_down})
    print(
        f"\nPostgreSQL stopped ({mode}) for {starting - down:.1f} s (stop took {down - stopping:.2f} s, "
        f"start {up - starting:.2f} s): before {len(before_stop)} requests, "
        f"{sum(o.ok for o in before_stop)} ok; while down {len(while_down)} requests, statuses {statuses}, "
        f"median {statistics.median([o.millis for o in while_down]) if while_down else 0:.0f} ms, "
        f"max {max([o.millis for o in while_down], default=0):.0f} ms; after start {len(after_start)} requests, "
        f"{sum(o.ok for o in after_start)} ok, first success "
        f"{(first_success.ended - up) if first_success else float('nan'):.2f} s after the server was up"
    )

    assert served_throughout, "the hub process died"
    assert before_stop and all(o.ok for o in before_stop), [(o.what, o.status) for o in before_stop if not o.ok]
    # While down: every request answered (no hang, no dropped connection) with a server error page.
    assert while_down
    assert all(o.status == 503 for o in while_down), statuses
    for outcome in while_down:
        assert not any(leak in outcome.body for leak in LEAKS), outcome.body[:2000]
    # Back without restarting the hub: new connections (CONN_MAX_AGE = 0), or pooled ones checked first.
    # The pool reconnects in the background with a growing wait (psycopg_pool: 1 s, doubling, with
    # jitter), so a pooled process takes a little longer to notice the server is back.
    assert first_success is not None and first_success.ended - up < (6.0 if pooled else 3.0)
    settled = [o for o in after_start if o.started >= first_success.ended]
    failed_after = [(o.what, o.status) for o in settled if not o.ok]
    assert settled and not failed_after, f"{failed_after}\n{log[-4000:]}"
    # The error pages said nothing; the log (for the operator) says what failed.
    assert "OperationalError" in log or "connection" in log.lower()

    after = private_hub.json("invariants")
    assert after["problems"] == []
    assert after["audit"] == []
    ok_shares = sum(o.ok for o in every if "/share/" in o.what)
    ok_concerns = sum(o.ok for o in every if "concerns" in o.what)
    # A request that failed may still have committed (the answer was lost, not the write), never the reverse.
    assert after["counts"]["shared_checks"] - before["shared_checks"] >= ok_shares > 0
    assert after["counts"]["concerns"] - before["concerns"] >= ok_concerns > 0
    opened = private_hub.json("open-all")
    assert opened["failures"] == []
