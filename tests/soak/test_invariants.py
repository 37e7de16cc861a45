"""The soak's judgement of errors and recoveries (tests/soak/invariants.py), on made-up
records: what counts as inside a fault window, and what fails."""

from __future__ import annotations

from tests.soak.client import Record
from tests.soak.faults import Fault
from tests.soak.invariants import errors, recovery
from tests.soak.traffic.personnel import expected


def _fault(kind: str, target: str, start: float, recovered: float | None) -> Fault:
    return Fault(kind, target, start=start, ended=start, recovered=recovered)


def _held(records: list[Record], faults: list[Fault]) -> list[bool]:
    return [f.held for f in errors(records, faults)]


def test_a_5xx_outside_a_window_fails_and_inside_only_502_503_504_pass() -> None:
    kill = _fault("kill", "finance", 10, 13)
    ok = [Record("a", 200, 1, 1.1, False), Record("b", 503, 11, 11.2, False)]
    assert _held(ok, [kill]) == [True, True, True]
    outside = [*ok, Record("c", 503, 20, 20.1, False)]
    assert _held(outside, [kill]) == [False, True, True]
    wrong_inside = [*ok, Record("d", 500, 12, 12.1, False)]
    assert _held(wrong_inside, [kill]) == [True, False, True]
    slow = [*ok, Record("e", 504, 11, 45, False)]
    assert _held(slow, [kill]) == [True, True, False]


def test_no_answer_is_allowed_only_while_the_gateway_is_down() -> None:
    unanswered = [Record("a", "ConnectError", 11, 11.01, False)]
    assert _held(unanswered, [_fault("kill", "finance", 10, 13)])[1] is False
    assert _held(unanswered, [_fault("kill", "gateway", 10, 13)])[1] is True


def test_callback_modes_are_no_window_and_late_recovery_fails() -> None:
    twice = _fault("callbacks", "duplicate", 0, 30)
    assert _held([Record("a", 503, 5, 5.1, False)], [twice])[0] is False
    assert recovery([_fault("kill", "assets", 0, 9.5), twice]).held
    assert not recovery([_fault("kill", "assets", 0, 10.5)]).held
    assert not recovery([_fault("stop", "assets", 0, None)]).held


def test_the_value_expected_after_writes() -> None:
    assert expected([("a", True), ("b", True)]) == ["b"]
    assert expected([("a", True), ("b", False), ("c", False)]) == ["a", "b", "c"]
    assert expected([("a", False), ("b", True)]) == ["b"]
    assert expected([("b", False)]) is None
