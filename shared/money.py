"""Money in the API: yuan as exact decimals with two places, sent and returned as strings
(the database keeps whole fen: ``shared.types.Money``).

An amount that enters is only ever the documented decimal string: ASCII digits, an optional
minus sign where the amount may be negative, at most two decimals, nothing around it
(``"1250.00"``, ``"7"``, ``"-300.5"``). JSON numbers (``10``, ``1.1``: a float is not exact),
exponents (``"1e3"``), spaces, a plus sign, leading zeros and other scripts' digits are
refused with 422, wherever money enters (bodies and query parameters alike). Code inside the
suite passes ``Decimal`` values, which are taken as they are.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.types import FEN

_UNSIGNED = r"(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?"
UNSIGNED_TEXT = re.compile(_UNSIGNED, re.ASCII)
SIGNED_TEXT = re.compile(r"-?" + _UNSIGNED, re.ASCII)
# more than zero, so the schema states it too: 0.01 … 99999999999999.99
POSITIVE_TEXT = re.compile(r"(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,13}(\.[0-9]{1,2})?)", re.ASCII)


def text_only(pattern: re.Pattern[str], what: str = "an amount") -> BeforeValidator:
    """Take a decimal only as a string ``pattern`` matches in full (or a ``Decimal`` from code).
    Other two-place quantities (scores, weights) use it too, their range in the pattern."""

    def parse(value: Any) -> Any:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str) and pattern.fullmatch(value):
            return Decimal(value)
        raise PydanticCustomError(
            "decimal_text",
            f"{what} is a decimal string with at most two decimals matching {pattern.pattern}",
        )

    return BeforeValidator(parse)


def text_schema(pattern: re.Pattern[str], example: str, description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{pattern.pattern}$",
            "examples": [example],
            "description": description,
        }
    )


def two_places(pattern: str, what: str, example: str, description: str) -> tuple[Any, ...]:
    """The metadata of a two-place decimal that is not money (an area, a weight, a score):
    taken only as a string matching ``pattern`` (its range spelled in the pattern, so the
    OpenAPI states it), kept and answered with two places. ``Annotated[Decimal, *two_places(…)]``.
    """
    compiled = re.compile(f"({pattern})", re.ASCII)
    return (
        text_only(compiled, what),
        AfterValidator(_to_fen),
        AS_TEXT,
        text_schema(compiled, example, description),
    )


def _to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN)


AS_TEXT = PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")

# an amount of money: at most two decimal places (fractions of a fen are refused, not rounded)
Money = Annotated[
    Decimal,
    text_only(UNSIGNED_TEXT),
    Field(max_digits=16, decimal_places=2, ge=0),
    AfterValidator(_to_fen),
    AS_TEXT,
    text_schema(UNSIGNED_TEXT, "1250.00", "yuan, at most two decimals, zero or more"),
]
# a positive amount (what a payment, an appropriation or a receipt moves)
Amount = Annotated[
    Decimal,
    text_only(POSITIVE_TEXT),
    Field(max_digits=16, decimal_places=2, gt=0),
    AfterValidator(_to_fen),
    AS_TEXT,
    text_schema(POSITIVE_TEXT, "1250.00", "yuan, at most two decimals, more than zero"),
]
# a signed amount (balances, changes to an appropriation)
SignedMoney = Annotated[
    Decimal,
    text_only(SIGNED_TEXT),
    Field(max_digits=16, decimal_places=2),
    AfterValidator(_to_fen),
    AS_TEXT,
    text_schema(SIGNED_TEXT, "-300.00", "yuan, at most two decimals, negative allowed"),
]
