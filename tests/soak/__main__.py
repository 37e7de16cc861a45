"""``python -m tests.soak`` (``make soak``): the whole suite under mixed traffic and faults;
exits non-zero when an invariant fails."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.soak.runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--faults",
        choices=("all", "one-each", "none"),
        default="all",
        help="all: kill -9 of every process, one SIGSTOP, the database refusal on PostgreSQL",
    )
    parser.add_argument("--seed", type=int, help="the fault schedule's (random otherwise)")
    parser.add_argument(
        "--recovered-within",
        type=float,
        default=10,
        help="seconds within which the suite must be healthy again after each fault",
    )
    parser.add_argument("--keep", type=Path, help="keep the suite's var directory here")
    args = parser.parse_args(argv)
    result = run(args.seconds, args.db, args.faults, args.seed, args.keep, args.recovered_within)
    print(result.report)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
