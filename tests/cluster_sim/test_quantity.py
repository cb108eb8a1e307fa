"""cluster_sim.quantity reproduces apimachinery's resource.Quantity.

Every ``quantity`` case of pod-environment-cases.json is asserted here: the
upstream test tables (TestQuantityParse, TestQuantityString,
TestQuantityParseEmit, TestParseQuantity, TestQuantityRoundUp, TestQuantityCmp)
and the outputs of running apimachinery at commit eed236ce ([RUN]).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pytest
from reference_cases import load

from cluster_sim.quantity import (
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    MILLI,
    Format,
    Quantity,
    QuantityError,
)

CASES_FILE = "pod-environment-cases.json"

ALL_CASES: list[dict[str, Any]] = load(CASES_FILE)
QUANTITY_CASES = [case for case in ALL_CASES if case["topic"] == "quantity"]


def upstream_name(case: dict[str, Any]) -> str:
    """The upstream test (or [RUN] tool) a case comes from, e.g. TestQuantityParse.valid."""
    source = case["source"]
    if source.startswith("[RUN]"):
        return "RUN"
    match = re.search(r"quantity(?:_test)?\.go (\w+(?:\.\w+)?(?: \([^)]*\))?)", source)
    assert match, source
    return match.group(1).replace(" ", "_")


def case_id(case: dict[str, Any]) -> str:
    data = case["input"]
    if "string" in data:
        detail = repr(data["string"])
        if "RoundUp_scale" in data:
            detail += f"@{data['RoundUp_scale']}"
    elif "mantissa" in data:
        detail = f"{data['mantissa']}e{data['exponent10']}-{data['format']}"
    elif "x" in data:
        detail = f"{data['x']}_vs_{data['y']}"
    else:
        detail = data["what"].replace(" ", "_")
    return f"quantity/{upstream_name(case)}/{detail}"


def select(predicate: Any) -> list[Any]:
    chosen = [case for case in QUANTITY_CASES if predicate(case)]
    assert chosen
    return [pytest.param(case, id=case_id(case)) for case in chosen]


def is_valid_parse(case: dict[str, Any]) -> bool:
    return "canonical" in case["expected"]


def is_invalid_parse(case: dict[str, Any]) -> bool:
    return "parse_error" in case["expected"]


def is_string_table(case: dict[str, Any]) -> bool:
    return "mantissa" in case["input"]


def is_parse_emit(case: dict[str, Any]) -> bool:
    return "negated_input_String()" in case["expected"]


def is_big_number(case: dict[str, Any]) -> bool:
    return upstream_name(case).startswith("TestParseQuantity")


def is_round_up(case: dict[str, Any]) -> bool:
    return "RoundUp_scale" in case["input"]


def is_cmp(case: dict[str, Any]) -> bool:
    return "Cmp" in case["expected"]


def is_constants(case: dict[str, Any]) -> bool:
    return "what" in case["input"]


GROUPS = (
    is_valid_parse,
    is_invalid_parse,
    is_string_table,
    is_parse_emit,
    is_big_number,
    is_round_up,
    is_cmp,
    is_constants,
)


def test_every_quantity_case_is_asserted_exactly_once() -> None:
    assert len(QUANTITY_CASES) == 224
    for case in QUANTITY_CASES:
        matching = [group.__name__ for group in GROUPS if group(case)]
        assert len(matching) == 1, (case["input"], matching)


def parse_test_table_expectation(text: str) -> tuple[int, int, Format]:
    """Decode the Go literal of a TestQuantityParse row into (mantissa, exponent, format)."""
    if text == "Quantity{d: maxAllowed, Format: BinarySI}":
        return (1 << 63) - 1, 0, Format.BINARY_SI
    match = re.fullmatch(r"decQuantity\(([0-9.*]+), (-?\d+), (\w+)\)", text)
    assert match, text
    mantissa = Fraction(1)
    for factor in match.group(1).split("*"):
        mantissa *= Fraction(factor)
    assert mantissa.denominator == 1, text
    return int(mantissa), int(match.group(2)), Format(match.group(3))


@pytest.mark.parametrize("case", select(is_valid_parse))
def test_parse_valid(case: dict[str, Any]) -> None:
    text = case["input"]["string"]
    expected = case["expected"]
    quantity = Quantity.parse(text)

    assert str(quantity) == expected["canonical"]
    assert quantity.format == expected["format"]
    assert quantity.value() == expected["value"]
    assert quantity.milli_value() == expected["milliValue"]
    # The [RUN] table lists asInt64 exactly when AsInt64 reports ok.
    if "asInt64" in expected:
        assert quantity.as_int64() == (expected["asInt64"], True)
    else:
        assert quantity.as_int64()[1] is False
    rounded, _ = quantity.round_up(MILLI)
    assert str(rounded) == expected["after_api_roundup_milli"]
    assert Quantity.unmarshal(f'"{text}"').marshal_json() == expected["json_unmarshal_then_marshal"]

    if "test_table_expectation" in expected:
        mantissa, exponent, fmt = parse_test_table_expectation(expected["test_table_expectation"])
        want = Quantity.new_decimal(mantissa, exponent, fmt)
        # TestQuantityParse checks the int64 and the inf.Dec forms alike.
        for got in (quantity, quantity.to_dec()):
            assert got.cmp(want) == 0
            assert got.format == want.format


@pytest.mark.parametrize("case", select(is_invalid_parse))
def test_parse_invalid(case: dict[str, Any]) -> None:
    text = case["input"]["string"]
    expected = case["expected"]
    with pytest.raises(QuantityError) as raised:
        Quantity.parse(text)
    assert str(raised.value) == expected["parse_error"]
    assert isinstance(raised.value, ValueError)

    if "json_unmarshal_error" in expected:
        with pytest.raises(QuantityError) as raised:
            Quantity.unmarshal(f'"{text}"')
        assert str(raised.value) == expected["json_unmarshal_error"]
    else:
        # UnmarshalJSON trims surrounding whitespace before parsing.
        assert (
            Quantity.unmarshal(f'"{text}"').marshal_json()
            == (expected["json_unmarshal_then_marshal"])
        )


@pytest.mark.parametrize("case", select(is_string_table))
def test_string(case: dict[str, Any]) -> None:
    data = case["input"]
    expected = case["expected"]
    quantity = Quantity.new_decimal(data["mantissa"], data["exponent10"], Format(data["format"]))

    assert quantity.string() == expected["String()"]
    assert str(-quantity) == expected["negated_String()"]
    alternate = data["alternate_input"]
    if expected["alternate_parses_to_same_canonical"]:
        parsed = Quantity.parse(alternate)
        assert parsed.cmp(quantity) == 0
        assert str(parsed) == expected["String()"]
    else:
        assert alternate is None


@pytest.mark.parametrize("case", select(is_parse_emit))
def test_parse_emit(case: dict[str, Any]) -> None:
    text = case["input"]["string"]
    assert str(Quantity.parse(text)) == case["expected"]["String()"]
    assert str(Quantity.parse("-" + text)) == case["expected"]["negated_input_String()"]


@pytest.mark.parametrize("case", select(is_big_number))
def test_parse_big_numbers(case: dict[str, Any]) -> None:
    assert str(Quantity.parse(case["input"]["string"])) == case["expected"]["String()"]


@pytest.mark.parametrize("as_dec", [False, True], ids=["int64Amount", "infDec"])
@pytest.mark.parametrize("case", select(is_round_up))
def test_round_up(case: dict[str, Any], as_dec: bool) -> None:
    quantity = Quantity.parse(case["input"]["string"])
    if as_dec:
        quantity = quantity.to_dec()
    rounded, exact = quantity.round_up(case["input"]["RoundUp_scale"])
    assert exact is case["expected"]["ok_return"]
    assert rounded.cmp(Quantity.parse(case["expected"]["value_equals"])) == 0


@pytest.mark.parametrize("case", select(is_cmp))
def test_cmp(case: dict[str, Any]) -> None:
    x = Quantity.parse(case["input"]["x"])
    y = Quantity.parse(case["input"]["y"])
    want = case["expected"]["Cmp"]
    assert x.cmp(y) == want
    assert y.cmp(x) == -want
    assert (x < y) is (want < 0)
    assert (x == y) is (want == 0)


@pytest.mark.parametrize("case", select(is_constants))
def test_error_strings(case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert expected["ErrFormatWrong"] == ERR_FORMAT_WRONG
    assert expected["ErrNumeric"] == ERR_NUMERIC
    assert expected["ErrSuffix"] == ERR_SUFFIX


# Behaviour the simulator relies on that the tables only imply ------------------------


def test_add_sums_exactly_and_a_zero_left_operand_takes_the_right_format() -> None:
    """Quantity.Add: exact sum; `if q.i.value == 0 { q.Format = y.Format }`."""
    total = Quantity.parse("100m") + Quantity.parse("1.5")
    assert total == Quantity.parse("1600m")
    assert str(total) == "1600m"
    assert str(Quantity.parse("1Gi") + Quantity.parse("512Mi")) == "1536Mi"
    assert (Quantity() + Quantity.parse("1Ki")).format is Format.BINARY_SI
    assert str(Quantity.parse("1Ki") - Quantity.parse("1Ki")) == "0"


def test_numbers_from_parsed_yaml_are_read_like_json_numbers() -> None:
    """UnmarshalJSON accepts bare JSON numbers; encoding/json prints 0.5 as 0.5."""
    assert Quantity.parse(0.5) == Quantity.parse("500m")
    assert Quantity.parse(2).value() == 2
    assert Quantity.unmarshal(None).is_zero()
