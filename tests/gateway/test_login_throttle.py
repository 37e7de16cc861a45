"""Sign-in throttling: a guesser elsewhere cannot lock the real user out, and a guesser's own
attempts wait longer and longer."""

from __future__ import annotations

from gateway.ratelimit import GrowingDelay, LoginThrottle, SlidingWindow


def _throttle(free: int = 5) -> LoginThrottle:
    return LoginThrottle(GrowingDelay(free, longest=900), SlidingWindow(10_000, 60))


def test_a_guesser_elsewhere_does_not_lock_the_real_user_out() -> None:
    throttle = _throttle()
    for _ in range(50):
        throttle.check("admin", "203.0.113.9")  # every guess counted, none succeeds
    assert throttle.check("admin", "203.0.113.9") > 0, "the guesser waits"
    assert throttle.check("admin", "10.1.2.3") == 0, "the real admin at their desk does not"


def test_the_delay_doubles_after_the_free_failures_and_is_capped() -> None:
    delay = GrowingDelay(free=3, longest=900)
    now = 1000.0
    waits = []
    for _ in range(16):
        waits.append(delay.retry_after("k", now))
        delay.failed("k", now)
    assert waits[:4] == [0, 0, 0, 1]
    assert waits[4:8] == [2, 4, 8, 16]
    assert waits[-1] == 900, "never more than the longest wait"
    assert delay.retry_after("k", now + 899) == 1
    assert delay.retry_after("k", now + 901) == 0, "forgotten after the longest wait"


def test_waiting_it_out_allows_one_more_try_and_success_clears() -> None:
    throttle = _throttle(free=2)
    assert throttle.check("alice", "a") == 0
    assert throttle.check("alice", "a") == 0
    assert throttle.check("alice", "a") > 0
    throttle.succeeded("alice", "a")
    assert throttle.check("alice", "a") == 0


def test_the_address_limit_still_holds_over_many_accounts() -> None:
    throttle = LoginThrottle(GrowingDelay(5), SlidingWindow(3, 60))
    assert [throttle.check(f"user{n}", "x") for n in range(5)][:3] == [0, 0, 0]
    assert throttle.check("user9", "x") > 0
