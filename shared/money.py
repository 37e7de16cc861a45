"""Money in the API: yuan as exact decimals with two places, sent and returned as strings
(the database keeps whole fen: ``shared.types.Money``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer

from shared.types import FEN


def _to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN)


_as_text = PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")

# an amount of money: at most two decimal places (fractions of a fen are refused, not rounded)
Money = Annotated[
    Decimal,
    Field(max_digits=16, decimal_places=2, ge=0, examples=["1250.00"]),
    AfterValidator(_to_fen),
    _as_text,
]
# a positive amount (what a payment, an appropriation or a receipt moves)
Amount = Annotated[
    Decimal,
    Field(max_digits=16, decimal_places=2, gt=0, examples=["1250.00"]),
    AfterValidator(_to_fen),
    _as_text,
]
# a signed amount (balances, changes to an appropriation)
SignedMoney = Annotated[
    Decimal,
    Field(max_digits=16, decimal_places=2, examples=["-300.00"]),
    AfterValidator(_to_fen),
    _as_text,
]
