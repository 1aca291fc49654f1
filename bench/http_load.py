"""A fixed concurrent load from its own process: N requests with C threads (keep-alive), print p50/p95 and req/s.

    python -m bench.http_load --port 8123 --host org.hub.localhost --token T --names names.txt -n 2000 -c 8
    python -m bench.http_load --port 8123 --host org.hub.localhost --method GET --path /agreements/ \\
        --cookie "sessionid=..." -n 1000 -c 8

POST (the default) sends `{"name": <a random line of --names>}` as JSON with a bearer token: the
exchange search API. GET requests --path with the --cookie header (a signed-in page). Each thread
first makes --warmup untimed requests. Prints one JSON object: requests, errors (statuses other
than 200), p50_ms, p95_ms, throughput_rps.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time


def _worker(
    args: argparse.Namespace, names: list[str], count: int, out: list[float], errors: list[int], gate: threading.Barrier
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    rng = random.Random(threading.get_ident())
    headers = {"Host": args.host}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if args.cookie:
        headers["Cookie"] = args.cookie

    def one() -> tuple[float, int]:
        body = None
        if args.method == "POST":
            body = json.dumps({"name": rng.choice(names)})
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        connection.request(args.method, args.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - start, response.status

    for _ in range(args.warmup):
        one()
    gate.wait()
    for _ in range(count):
        elapsed, status = one()
        out.append(elapsed)
        if status != 200:
            errors.append(status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--names", default="", help="For POST: a file of names, one a line.")
    parser.add_argument("--method", choices=["POST", "GET"], default="POST")
    parser.add_argument("--path", default="/api/v1/exchange/search/")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-c", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=0, help="Untimed requests per thread first.")
    args = parser.parse_args()
    names: list[str] = []
    if args.method == "POST":
        with open(args.names, encoding="utf-8") as handle:
            names = [line.strip() for line in handle if line.strip()]
    timings: list[float] = []
    errors: list[int] = []
    per_thread = args.n // args.c
    gate = threading.Barrier(args.c + 1)
    threads = [
        threading.Thread(target=_worker, args=(args, names, per_thread, timings, errors, gate)) for _ in range(args.c)
    ]
    for thread in threads:
        thread.start()
    gate.wait()  # every thread has warmed up: time from here
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    timings.sort()
    print(
        json.dumps(
            {
                "requests": len(timings),
                "concurrency": args.c,
                "errors": len(errors),
                "error_statuses": {str(code): errors.count(code) for code in sorted(set(errors))},
                "p50_ms": round(statistics.median(timings) * 1000, 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                "throughput_rps": round(len(timings) / elapsed, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
