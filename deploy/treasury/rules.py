"""Whether the treasury accepts an instruction: the documented rejection rules.

Checked in this order, for payments and remittances alike; the first that applies rejects
with its ISO 20022 external status reason code:

1. the creditor account starts with a blocked prefix  → ``AC06`` (blocked account)
2. the creditor account starts with a closed prefix   → ``AC04`` (closed account)
3. the amount is above the maximum                    → ``AM02`` (not allowed amount)

Anything else is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from deploy.treasury.config import TreasurySettings


@dataclass(frozen=True)
class Rejection:
    code: str
    reason: str


def judge(settings: TreasurySettings, creditor_account: str, amount: Decimal) -> Rejection | None:
    """The rejection of an instruction, or None when the treasury accepts it."""
    for prefix in settings.blocked_prefixes:
        if creditor_account.startswith(prefix):
            return Rejection("AC06", f"creditor account {creditor_account} is blocked")
    for prefix in settings.closed_prefixes:
        if creditor_account.startswith(prefix):
            return Rejection("AC04", f"creditor account {creditor_account} is closed")
    if amount > settings.max_amount:
        return Rejection(
            "AM02", f"amount {amount} is above the allowed maximum {settings.max_amount}"
        )
    return None
