"""A stand-in benchmark for tests of bench.run_all: emits two figures, or fails when asked."""

import sys

from bench.report import emit

if __name__ == "__main__":
    if "--fail" in sys.argv:
        print("something broke", file=sys.stderr)
        sys.exit(3)
    emit("fake", "search p95", 4.0, "ms", floor=2.0, floor_what="raw SQL", target="≤ 3× floor", met=True)
    emit("fake", "shares", 4200.0, "items/s", target="≥ 5,000/s", met=False)
