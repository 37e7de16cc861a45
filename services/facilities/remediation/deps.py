"""The dependency a route takes to read finance's budget lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from services.facilities.clients.finance import FinanceClient
from services.facilities.remediation.service import FinanceBudget
from shared.deps import peer_client

FinanceDep = Annotated[Callable[[], FinanceClient], Depends(peer_client("finance", FinanceClient))]


async def budget_lines(finance: FinanceDep) -> FinanceBudget:
    return FinanceBudget(finance)


BudgetDep = Annotated[FinanceBudget, Depends(budget_lines)]
