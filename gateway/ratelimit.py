"""Login throttling: failures per account and attempts per client address, sliding windows.

A locked account answers 429 whatever the password, so a guesser learns nothing from it.
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


@dataclass
class LoginThrottle:
    per_account: SlidingWindow
    per_address: SlidingWindow

    def check(self, account: str | None, address: str) -> int:
        """Count this attempt; return seconds to wait, 0 when allowed.

        The attempt counts against the account *before* the password is checked, so guesses
        sent all at once are limited like guesses sent one by one; a success clears it.
        """
        wait = self.per_address.retry_after(address)
        if wait:
            return wait
        self.per_address.hit(address)
        if account is None:
            return 0
        wait = self.per_account.retry_after(account)
        if not wait:
            self.per_account.hit(account)
        return wait

    def succeeded(self, account: str) -> None:
        self.per_account.clear(account)
