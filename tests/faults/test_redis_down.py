"""Redis killed and started again: pages and sharing keep working; live notifications resume when it is back.

The hub runs as in production with REDIS_URL set: the channel layer is channels_redis and Celery
queues to Redis (tests/faults/settings.py). A searcher at Brackenford keeps a /ws/presence/ socket
open; shares from Alderley reach it live. With Redis killed (SIGKILL, so open connections are cut),
pages answer 200 and a share is stored whole (the live message and any queued email are
best-effort after commit, `core.after_commit`). When Redis is back, a new share reaches a socket
(the old one if it survived, otherwise a new one, as the browser's reconnect would open).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.faults.clients import Outcome, concern_form, first_message, messages_within, presence_socket, request
from tests.faults.servers import PrivateRedis, hub_server


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.remove()


def _is_shared_event(message: dict) -> bool:
    return message.get("type") == "notification" and message.get("payload", {}).get("event") == "exchange.shared"


def _socket_when_possible(port: int, cookie: str, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return presence_socket(port, "brackenford", cookie)
        except Exception:  # noqa: BLE001 - refused while the layer is unavailable; try again
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_with_redis_down_pages_and_sharing_work_and_live_notifications_resume_when_it_returns(
    private_hub, private_redis, tmp_path
):
    world = private_hub.world
    reviewer, searcher = world["reviewer_cookies"][0], world["searcher_cookie"]
    request_id = world["requests"][0]
    with hub_server(private_hub.env(REDIS_URL=private_redis.url), tmp_path / "uvicorn.log") as (port, process):
        ws = presence_socket(port, "brackenford", searcher)
        assert request(port, "alderley", "POST", f"/speakers/{request_id}/share/", reviewer).status == 302
        assert first_message(ws, _is_shared_event, 8), "no live event before the fault"

        private_redis.stop()
        before = private_hub.json("invariants")["counts"]
        down: list[Outcome] = [
            request(port, "brackenford", "GET", "/exchange/", searcher),
            request(port, "alderley", "GET", "/speakers/", reviewer),
            request(port, "alderley", "GET", "/", reviewer),
            request(port, "alderley", "POST", f"/speakers/{request_id}/share/", reviewer),
            request(port, "alderley", "POST", "/welfare/concerns/new/", reviewer, concern_form(1)),
            request(port, "brackenford", "GET", "/exchange/", searcher),
        ]
        while_down = messages_within(ws, 2)
        close_code = ws.close_code
        try:
            presence_socket(port, "brackenford", searcher).close()
            socket_while_down = "accepted"
        except Exception as exc:  # noqa: BLE001 - the handshake is refused while the layer is down
            socket_while_down = f"refused ({type(exc).__name__})"
        during = private_hub.json("invariants")

        private_redis.start()
        back = time.monotonic()
        old_socket_alive = while_down is not None and messages_within(ws, 0.5) is not None
        live = ws if old_socket_alive else _socket_when_possible(port, searcher, 15)
        reconnected = time.monotonic() - back
        resumed_after = None
        for _attempt in range(5):
            assert request(port, "alderley", "POST", f"/speakers/{request_id}/share/", reviewer).status == 302
            if first_message(live, _is_shared_event, 5):
                resumed_after = time.monotonic() - back
                break
        ws.close()
        live.close()
        served_throughout = process.poll() is None

    print(
        "\nRedis down: "
        + ", ".join(f"{o.what} {o.status} in {o.millis:.0f} ms" for o in down)
        + f"; socket open during the fault: {while_down is not None} (close code {close_code}), "
        f"kept after it: {old_socket_alive}; a new socket while down: {socket_while_down}; "
        f"socket ready {reconnected:.1f} s and live event received {resumed_after or float('nan'):.1f} s "
        "after Redis returned"
    )
    assert served_throughout
    assert [o.status for o in down] == [200, 200, 200, 302, 302, 200], [(o.what, o.status) for o in down]
    assert max(o.millis for o in down) < 5000
    # The share and the concern made while Redis was down were stored whole.
    assert during["counts"]["shared_checks"] == before["shared_checks"] + 1
    assert during["counts"]["concerns"] == before["concerns"] + 1
    assert during["problems"] == [] and during["audit"] == []
    assert resumed_after is not None, "live notifications did not resume after Redis returned"
    after = private_hub.json("invariants")
    assert after["problems"] == [] and after["audit"] == []
