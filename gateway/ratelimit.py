"""Login throttling: growing delays per account and address pair, attempts per address.

- **Per account and address.** After ``free`` failed sign-ins of one account from one address,
  each further attempt from that pair must wait: 1 s after the next failure, then 2, 4, 8 …
  seconds, up to ``longest`` (15 minutes). While it waits the pair is answered 429 whatever
  the password, so a guesser learns nothing from it; a success clears the pair. The same
  account signing in from another address is not held back, so someone guessing elsewhere
  cannot lock the real user (or ``admin``) out, as a lockout per account would let them.
- **Per address.** At most ``limit`` failed attempts a minute from one address, whatever
  the accounts (a spray of guesses over many accounts). An attempt counts while it is being
  judged and is taken back when it succeeds, so an office whose hundreds of people sign in
  at nine through one NAT address is never held back by its own successes.

Kept in the gateway's memory (one gateway process; a restart forgets, which only helps a
guesser once per restart).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    limit: int
    seconds: float
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def _trim(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        return hits

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until ``key`` may try again (0 = now)."""
        now = time.monotonic() if now is None else now
        hits = self._trim(key, now)
        if len(hits) < self.limit:
            if not hits:
                self._hits.pop(key, None)
            return 0
        return max(1, int(hits[0] + self.seconds - now) + 1)

    def hit(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._trim(key, now).append(now)
        if len(self._hits) > 100_000:  # bound memory under a spray of distinct keys
            self._hits.pop(next(iter(self._hits)))

    def clear(self, key: str) -> None:
        self._hits.pop(key, None)

    def forgive(self, key: str) -> None:
        """Take back the newest hit of ``key`` (an attempt that turned out well)."""
        hits = self._hits.get(key)
        if hits:
            hits.pop()
            if not hits:
                self._hits.pop(key, None)


@dataclass
class GrowingDelay:
    """Failures of one key (an account at an address): after ``free`` of them, each attempt
    waits 1, 2, 4 … seconds after the last failure, at most ``longest``; forgotten after
    ``longest`` without a failure."""

    free: int
    longest: float = 900.0
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        count, last = self._failures.get(key, (0, 0.0))
        if count and now - last > self.longest:
            self._failures.pop(key, None)
            return 0
        if count < self.free:
            return 0
        delay = min(self.longest, 2.0 ** (count - self.free))
        return max(0, int(last + delay - now + 0.999))

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        count, _ = self._failures.get(key, (0, 0.0))
        self._failures[key] = (count + 1, now)
        if len(self._failures) > 100_000:  # bound memory under a spray of distinct keys
            self._failures.pop(next(iter(self._failures)))

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)

    def forgive(self, key: str) -> None:
        """Take back the last failure counted (an attempt that was never judged)."""
        count, last = self._failures.get(key, (0, 0.0))
        if count <= 1:
            self._failures.pop(key, None)
        else:
            self._failures[key] = (count - 1, last)


@dataclass
class LoginThrottle:
    per_pair: GrowingDelay
    per_address: SlidingWindow

    def check(self, account: str | None, address: str) -> int:
        """Count this attempt; return seconds to wait, 0 when allowed.

        The attempt counts as a failure of its account at this address *before* the password
        is checked (``succeeded`` takes it back), so guesses sent all at once are held back
        like guesses sent one by one.
        """
        wait = self.per_address.retry_after(address)
        if wait:
            return wait
        self.per_address.hit(address)
        if account is None:
            return 0
        key = _pair(account, address)
        wait = self.per_pair.retry_after(key)
        if not wait:
            self.per_pair.failed(key)
        return wait

    def succeeded(self, account: str, address: str) -> None:
        self.per_pair.clear(_pair(account, address))
        self.per_address.forgive(address)

    def undecided(self, account: str, address: str) -> None:
        """The attempt was never judged (the database did not answer: a 503): it does not
        count against the account; it still counts against the address."""
        self.per_pair.forgive(_pair(account, address))


def _pair(account: str, address: str) -> str:
    return f"{address}\x00{account.casefold()}"
