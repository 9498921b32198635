"""The one tolerance rule (scalinglaws.tolerance), on the printed forms the papers use."""

import math

import pytest

from scalinglaws.tolerance import from_printed


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
