"""Property-based requests from a service's OpenAPI (schemathesis), with every check on.

Each operation gets a bounded number of schema-valid (positive) and schema-invalid (negative)
requests, derandomised so a run is repeatable, and every response goes through all of
schemathesis's checks: no 5xx; the status, content type, headers and body as the document
declares them; invalid data refused; the auth the document names honoured; and so on.

Two settings are ours, both stricter than they look:

- A schema-valid request may still be refused by a *rule* the schema cannot state: ``412``
  (a stale ``If-Match``), ``422`` naming the rule (``UNKNOWN_UNIT``: the id is well formed
  but names nothing), ``415`` (an uploaded file that is no spreadsheet) or OAuth's ``400``
  (``invalid_grant``: wrong password). So ``positive_data_acceptance`` takes those too, and
  ``schema_states_every_shape`` fails any refusal of schema-valid data as *malformed*
  (``VALIDATION_FAILED``, ``BAD_IF_MATCH`` …): that is a constraint the document hides.
- Text fields declare the format ``text`` (no control, format, surrogate, private-use or
  unassigned characters, ``shared.text``); generators learn it here, as a client would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode

from shared.text import ALLOWED_CATEGORIES, TEXT_FORMAT

# the problem codes that say "the request is malformed" rather than "a rule refused it"
MALFORMED_CODES = frozenset({"VALIDATION_FAILED", "BAD_IF_MATCH", "MALFORMED_PATH"})

schemathesis.openapi.format(
    TEXT_FORMAT,
    st.text(st.characters(categories=ALLOWED_CATEGORIES), max_size=30).filter(
        lambda text: text == text.strip()  # texts are trimmed: edges are not whitespace
    ),
)
load_all_checks()


@schemathesis.check
def schema_states_every_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A refusal of schema-valid data names a rule, never a shape the schema left out."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    code = (response.json() or {}).get("code", "")
    if code in MALFORMED_CODES:
        detail = response.json().get("detail", "")
        raise Failure(
            operation=case.operation.label,
            title="Schema-valid request refused as malformed",
            message=f"{code}: {detail}",
        )
    return None


ALL_CHECKS = list(CHECKS.get_all())
RULE_REFUSALS = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "415", "422", "429", "5xx"]


def with_rule_refusals(api: Any) -> Any:
    """``api`` whose ``positive_data_acceptance`` takes a rule's refusal (module docstring)."""
    api.config.checks.positive_data_acceptance.expected_statuses = RULE_REFUSALS
    return api


Headers = dict[str, str] | Callable[[], dict[str, str]]


def assert_conforms(
    api: Any, headers: Headers, *, examples: int, min_operations: int, **call: Any
) -> Counter[int]:
    """Call every operation of ``api`` with generated requests, positive and negative; fail
    with every check that any response broke. Answers the statuses seen. ``headers`` may be a
    function, asked before every request (a live suite's token that a fuzzed logout revoked);
    ``call`` goes to each request (``base_url`` of a live server)."""
    api = with_rule_refusals(api)
    failures: dict[tuple[str, str], str] = {}
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= min_operations

    for operation in operations:
        for mode in GenerationMode:

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case: Any) -> None:
                sent = headers() if callable(headers) else headers
                response = case.call(headers=sent, **call)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(
                        response, checks=ALL_CHECKS, headers=sent, transport_kwargs=call or None
                    )
                except (Failure, FailureGroup) as exc:
                    found = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                    for failure in found:
                        kind = "positive" if case.meta.generation.mode.is_positive else "negative"
                        where = f"{case.method} {case.formatted_path} ({kind})"
                        failures.setdefault(
                            (case.operation.label, failure.title),
                            f"{where} → {response.status_code}: {failure.message[:300]}",
                        )

            try:
                send()
            except Unsatisfiable:  # nothing to make invalid (an operation without input)
                assert mode is GenerationMode.NEGATIVE, operation.label
    report = [f"{label}: {title}\n    {sample}" for (label, title), sample in failures.items()]
    assert report == [], "\n".join(report)
    assert sum(statuses.values()) >= len(operations) * 5, "every operation was exercised"
    assert any(200 <= s < 300 for s in statuses), "some generated requests succeeded"
    assert any(400 <= s < 500 for s in statuses), "and some were refused as bad input"
    return statuses
