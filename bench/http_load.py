"""A fixed concurrent load from its own process: POST a name search N times with C threads, print p50/p95.

python -m bench.http_load --port 8123 --host org.hub.localhost --token T --names names.txt -n 2000 -c 8
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time


def _worker(args: argparse.Namespace, names: list[str], count: int, out: list[float], errors: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    rng = random.Random(threading.get_ident())
    for _ in range(count):
        body = json.dumps({"name": rng.choice(names)})
        headers = {"Host": args.host, "Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}
        start = time.perf_counter()
        connection.request("POST", args.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        out.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(response.status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--names", required=True)
    parser.add_argument("--path", default="/api/v1/exchange/search/")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-c", type=int, default=8)
    args = parser.parse_args()
    with open(args.names, encoding="utf-8") as handle:
        names = [line.strip() for line in handle if line.strip()]
    timings: list[float] = []
    errors: list[int] = []
    per_thread = args.n // args.c
    threads = [threading.Thread(target=_worker, args=(args, names, per_thread, timings, errors)) for _ in range(args.c)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
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
