"""The one tolerance rule (scalinglaws.core.tolerance), on the printed forms the papers use."""

import math

import pytest

from scalinglaws.core.tolerance import Tolerance, from_printed


@pytest.mark.parametrize(
    ("text", "value", "lo", "hi", "clause"),
    [
        ("0.052", 0.052, 0.0515, 0.0525, "digits"),  # Kaplan eq B.7
        ("~13%", 0.13, 0.125, 0.135, "digits"),  # Fig 10 caption: "~" does not widen it
        ("45% fewer", 0.45, 0.445, 0.455, "digits"),  # App. B.4
        ("2.2x", 2.2, 2.15, 2.25, "digits"),
        ("4.68 billion", 4.68e9, 4.675e9, 4.685e9, "digits"),  # Hoffmann App. D.4
        ("67 Billion", 67e9, 66.5e9, 67.5e9, "digits"),  # Table 3
        ("1.26e+24", 1.26e24, 1.255e24, 1.265e24, "digits"),  # Table A3
        ("5 × 10^3", 5e3, 4.5e3, 5.5e3, "digits"),  # Kaplan eq 4.4
        ("0.49 (0.462, 0.534)", 0.49, 0.462, 0.534, "interval"),  # Table 2: asymmetric
        ("~1e12", 1e12, 1e12 / math.sqrt(10), 1e12 * math.sqrt(10), "order of magnitude"),
        ("1/46", 1 / 46, 1 / 46.5, 1 / 45.5, "digits"),  # Table 3, Gopher units
        ("1/29,968", 1 / 29968, 1 / 29968.5, 1 / 29967.5, "digits"),
    ],
)
def test_rule_on_printed_forms(text, value, lo, hi, clause):
    t = from_printed(text)
    assert (t.value, t.clause) == (pytest.approx(value), clause)
    assert t.lo == pytest.approx(lo) and t.hi == pytest.approx(hi)
    assert t.contains(value) and not t.contains(hi + (hi - lo)) and not t.contains(lo - (hi - lo))


def test_interval_is_used_as_printed_not_symmetric():
    # Table 2, Approach 2: a symmetric +-0.044 about 0.49 would accept 0.446, below the 0.462
    t = from_printed("0.49 (0.462, 0.534)")
    assert not t.contains(0.455) and t.contains(0.533) and not t.contains(0.535)


@pytest.mark.badinput
@pytest.mark.parametrize("text", ["", "about", "n/a", "(0.5, 0.4)", "0.5 (0.6, 0.4)"])
def test_bad_printed_text_names_it(text):
    with pytest.raises(ValueError, match="printed"):
        from_printed(text)


# ---- every clause in full: the whole Tolerance each printed form gives, from the rule alone -------


@pytest.mark.parametrize(
    ("text", "value", "lo", "hi", "clause"),
    [
        # "all" (Hoffmann 2022 footnote 4: all of the points): a share of exactly 1
        ("all of the points", 1.0, 1.0, 1.0, "all"),
        # 15 significant digits: a float64 printed by a program stands for itself within 1e-12
        ("0.123456789012345", 0.123456789012345, 0.123456789012345 * (1 - 1e-12),
         0.123456789012345 * (1 + 1e-12), "machine"),
        # leading zeros are not significant; trailing ones are
        ("0.000123456789012345", 0.000123456789012345, 0.000123456789012345 * (1 - 1e-12),
         0.000123456789012345 * (1 + 1e-12), "machine"),
        ("1000000000000000", 1e15, 1e15 * (1 - 1e-12), 1e15 * (1 + 1e-12), "machine"),
        ("1,000,000,000,000,000", 1e15, 1e15 * (1 - 1e-12), 1e15 * (1 + 1e-12), "machine"),
        # 14 digits: an author's rounding, half a unit of the last digit
        ("0.12345678901234", 0.12345678901234, 0.12345678901234 - 5e-15,
         0.12345678901234 + 5e-15, "digits"),
        # 15 digits followed by words: printed by an author, not a repr
        ("0.123456789012345 nats", 0.123456789012345, 0.123456789012345 - 5e-16,
         0.123456789012345 + 5e-16, "digits"),
        # an exponent and a unit multiply
        ("1.5e2%", 1.5, 1.45, 1.55, "digits"),
        # an interval is scaled by the unit after the number, commas dropped
        ("4.0 billion (3.5, 4.5)", 4.0e9, 3.5e9, 4.5e9, "interval"),
        ("0.5 (0.5, 0.5)", 0.5, 0.5, 0.5, "interval"),  # a degenerate interval is still one
        # the other way of writing the power of ten
        ("~1 × 10^12", 1e12, 1e12 / math.sqrt(10), 1e12 * math.sqrt(10), "order of magnitude"),
        ("~1×10^{12}", 1e12, 1e12 / math.sqrt(10), 1e12 * math.sqrt(10), "order of magnitude"),
    ],
)  # fmt: skip
def test_each_clause_gives_the_whole_tolerance(text, value, lo, hi, clause):
    t = from_printed(text)
    assert t.text == text and t.clause == clause
    assert t.value == pytest.approx(value, rel=1e-15)
    assert t.lo == pytest.approx(lo, rel=1e-15) and t.hi == pytest.approx(hi, rel=1e-15)


def test_the_ends_of_a_tolerance_are_inside_it():
    t = Tolerance("1.0", 1.0, 0.5, 1.5, "digits")
    assert t.contains(0.5) and t.contains(1.5) and t.contains(1.0)
    assert not t.contains(math.nextafter(0.5, 0)) and not t.contains(math.nextafter(1.5, 2))


@pytest.mark.parametrize(
    ("text", "x", "error"),
    [
        ("0.05", 0.055, 1.0),  # at the upper end: one tolerance away
        ("0.05", 0.0475, 0.5),  # halfway to the lower end
        ("0.49 (0.462, 0.534)", 0.534, 1.0),  # an asymmetric interval: each side its own unit
        ("0.49 (0.462, 0.534)", 0.476, 0.5),
        ("~1e12", 1e12 * math.sqrt(10), 1.0),  # a factor sqrt(10): one tolerance
        ("~1e12", 1e11, 2.0),  # a decade: two
        ("all of them", 1.0, 0.0),
        ("all of them", 0.99, math.inf),  # a zero-width tolerance: any distance is infinite
    ],
)
def test_error_is_the_distance_in_units_of_the_tolerance(text, x, error):
    assert from_printed(text).error(x) == pytest.approx(error, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0.05", "±0.005 (half a unit of the last printed digit)"),
        ("4.68 billion", "±5e+06 (half a unit of the last printed digit)"),
        ("0.49 (0.462, 0.534)", "in [0.462, 0.534] (printed interval)"),
        ("~1e12", "within a factor sqrt(10) (order of magnitude)"),
        ("all of them", "exactly 1 (the paper says all)"),
        ("0.123456789012345", "±1e-12 relative (a float64 printed in full by a program)"),
        ("1/46", "1/x, x in [45.5, 46.5] (half a unit of 46)"),
    ],
)
def test_each_clause_describes_itself(text, words):
    assert from_printed(text).describe() == words
