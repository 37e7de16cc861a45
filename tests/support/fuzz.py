"""Property-based requests from a service's OpenAPI (schemathesis): never a 5xx.

Bounded: a fixed number of examples per operation, derandomised so a run is repeatable.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings


def assert_no_server_errors(
    api: Any, headers: dict[str, str], *, examples: int, min_operations: int
) -> None:
    """Call every operation of ``api`` with generated requests; fail on any 5xx."""
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= min_operations

    for operation in operations:

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: " + (response.text[:300])
            )

        try:
            call()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert failures == []
    assert len(statuses) >= len(operations) * 5, "every operation was exercised"
    assert any(200 <= s < 300 for s in statuses), "some generated requests succeeded"
    assert any(400 <= s < 500 for s in statuses), "and some were refused as bad input"
