"""What enters as money and as text: only the documented decimal string, and only text a
reader sees as it is written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.money import Amount, Money, SignedMoney
from shared.text import Line140, Name, Prose2000

AMOUNT = TypeAdapter(Amount)


@pytest.mark.parametrize(
    "value",
    [
        "1e3",
        "1E+2",
        " 5.00",
        "5.00 ",
        "١٢٣",
        "１２",
        1.1,
        10,
        True,
        "+5",
        "05",
        "5.",
        ".5",
        "12.345",
        "1,000.00",
        "0x10",
        "NaN",
        "Infinity",
        "",
        None,
    ],
)
def test_only_the_documented_decimal_string_is_an_amount(value: Any) -> None:
    with pytest.raises(ValidationError):
        AMOUNT.validate_python(value)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("1250.00", Decimal("1250.00")),
        ("7", Decimal("7.00")),
        ("0.5", Decimal("0.50")),
        (Decimal("3.1"), Decimal("3.10")),
    ],
)
def test_amounts_as_documented(value: Any, parsed: Decimal) -> None:
    assert AMOUNT.validate_python(value) == parsed


def test_signs_and_zero() -> None:
    assert TypeAdapter(SignedMoney).validate_python("-300.5") == Decimal("-300.50")
    assert TypeAdapter(Money).validate_python("0") == Decimal("0.00")
    for adapter in (AMOUNT, TypeAdapter(Money)):
        with pytest.raises(ValidationError):
            adapter.validate_python("-1.00")
    with pytest.raises(ValidationError):
        AMOUNT.validate_python("0.00")  # an amount moves something


def test_the_schema_says_string() -> None:
    schema = AMOUNT.json_schema()
    assert schema["type"] == "string"
    assert schema["pattern"].startswith("^")


@pytest.mark.parametrize(
    "value",
    [
        "Vendor\u202eexe.png",
        "Ven\u200bdor",
        "Vendor\u2066x\u2069",
        "\ufeffVendor",
        "Ven\x00dor",
        "Vendor\x07",
        "Vendor\nTwo",
        "Ven\u00addor",
        "Ven\ue000dor",
        "Ven\u0085dor",
    ],
)
def test_hidden_characters_are_refused_in_names(value: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Line140).validate_python(value)
    with pytest.raises(ValidationError):
        TypeAdapter(Name).validate_python(value)


@pytest.mark.parametrize(
    "value", ["北京市机关事务管理局", "阿依古丽·买买提", "Office Supplies Co.", "Zoë Müller-Łukasz"]
)
def test_real_names_pass_trimmed(value: str) -> None:
    assert TypeAdapter(Name).validate_python(f"  {value} ") == value


def test_prose_keeps_line_breaks_but_not_overrides() -> None:
    adapter = TypeAdapter(Prose2000)
    assert adapter.validate_python("first line\nsecond\tline") == "first line\nsecond\tline"
    with pytest.raises(ValidationError):
        adapter.validate_python("approved \u202edesrever")
