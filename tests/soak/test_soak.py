"""A short soak in ``make test``: 30 s of mixed traffic on SQLite through the whole suite as
``make run`` starts it, with one kill -9 and one SIGSTOP of a service and the sandbox's
duplicate, late and dropped callbacks; every invariant must hold.

``make test`` runs this beside two pytest workers on two cores, where a killed service's
Python start alone can take 10 s; so here the suite must be healthy again within 30 s of a
fault (``make soak`` keeps the 10 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.runner import run

pytestmark = pytest.mark.e2e


def test_a_short_soak_keeps_every_invariant(tmp_path: Path) -> None:
    result = run(
        seconds=30, db="sqlite", faults="one-each", var=tmp_path / "var", recovered_within=30
    )
    print(result.report)
    failed = [f"{f.name}: {f.detail}" for f in result.findings if not f.held]
    assert not failed, result.report
    assert result.requests > 0
