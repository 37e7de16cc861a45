"""One figure of the benchmark contract (bench/README.md), for every benchmark script.

It imports nothing of its siblings, so a script may take it as ``bench.figures`` (run from the
repository root) or as ``figures`` (bench/ on the path).
"""

from __future__ import annotations

from typing import Any


def figure(name: str, unit: str, value: float, target: float | None, better: str) -> dict[str, Any]:
    """One figure of the benchmark contract (bench/README.md): value, target, met."""
    met = None
    if target is not None:
        met = value <= target if better == "lower" else value >= target
    return {
        "figure": name,
        "unit": unit,
        "value": round(value, 3),
        "target": target,
        "better": better,
        "met": met,
    }
