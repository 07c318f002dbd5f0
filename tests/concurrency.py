"""Two desks (or workers) at the same moment: calls run on threads that start together."""

from __future__ import annotations

import threading


def at_once(*calls) -> list:
    """Run the calls on threads that start together; their results (or exceptions) in order."""
    results: list = [None] * len(calls)
    ready = threading.Barrier(len(calls), timeout=30)

    def run(i, call):
        ready.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the callers' assertions name what came out
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
