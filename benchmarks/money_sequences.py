#!/usr/bin/env python
"""Random sequences of payment actions through the real services, with the ledger checked after
every step — the suite's state machine (tests/services/test_payment_money.py), run for many seeds.

    python benchmarks/money_sequences.py [--sequences 10000] [--database-url URL]

Several desks of one fresh company per sequence batch-pay, type wrong codes and passwords, crash
before the issuer call or after its approval, time out, cancel, and let the clock and the
reconciler run. Prints how many sequences ran and the violations found (a violation stops the
run and prints the shortest sequence Hypothesis finds for it). SQLite by default (a throw-away
file in benchmarks/out/); a PostgreSQL URL must name a database this run may empty.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
for where in (HERE.parent, HERE):
    if str(where) not in sys.path:
        sys.path.insert(0, str(where))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--steps", type=int, default=8, help="actions per sequence (at most)")
    args = parser.parse_args(argv)
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test
    from kvoucher_desktop.services.clock import FixedClock
    from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
    from kvoucher_desktop.services.registry import build_services
    from payment_throughput import throwaway_store
    from tests.services.test_payment_money import Money, World

    url = throwaway_store(args.database_url, "money_sequences")
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    services = build_services(url, clock, hash_params=FAST_FOR_TESTS, simulator_seed=11)
    Money.world = World(services, clock)
    began = time.perf_counter()
    violations = 0
    try:
        run_state_machine_as_test(Money, settings=settings(
            max_examples=args.sequences, stateful_step_count=args.steps, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    except AssertionError as exc:
        violations = 1
        print(f"violation: {exc}", file=sys.stderr)
    finally:
        services.dispose()
    ran = Money.world.n
    print(f"{args.sequences:,} sequences ({ran:,} fresh companies set up, those Hypothesis discarded included) "
          f"in {time.perf_counter() - began:.0f} s on "
          f"{'PostgreSQL' if url.startswith('postgres') else 'SQLite'}; violations: {violations}; "
          f"{Money.world.sequences:,} checked at their end, {Money.world.charged:,} of them charged a payment")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
