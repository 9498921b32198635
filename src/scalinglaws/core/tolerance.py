"""The one rule that sets the tolerance of every reproduced number from how the paper prints it.

A tolerance is never chosen after seeing the result. It follows from the printed text alone:

1. **Digits.** A number printed with digits stands for every value that rounds to it: the value
   computed here must lie within half a unit of the last printed digit ("0.052": +-0.0005;
   "4.68 billion": +-0.005e9; "45%": +-0.005; "1.26e+24": +-0.005e24; "7.7x": +-0.05; "40B":
   +-0.5e9). A "~", "roughly" or "about" in front does not widen it: the digits still say how far
   the paper rounded. A fraction "1/46" is rounded in its denominator (46 +- 0.5).
2. **Interval.** A printed interval "0.49 (0.462, 0.534)" is used as printed: the value must lie in
   [0.462, 0.534], asymmetric about the point value.
3. **Order of magnitude.** A bare power of ten after "~" ("~1e12") stands for its decade: the value
   must lie within a factor of sqrt(10) of it (0.5 in log10).

When a printed number is checked against other printed numbers (e.g. Table 3's "FLOPs in Gopher
units" against its FLOPs column), the less precise of the two is the target and the more precise
one the input, so that the input's own rounding stays well inside the target's tolerance.

A value outside its tolerance is not reproduced; the registry then names the section of
``docs/differences.md`` that explains why, or reports it as not reproduced.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

ORDER_OF_MAGNITUDE_FACTOR = math.sqrt(10.0)  # rule 3: half a decade either way

_SCALES = {
    "%": 1e-2,
    "x": 1.0,
    "×": 1.0,
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_NUMBER = (
    r"(?P<frac>1/)?(?P<mant>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?:e(?P<exp>[+-]?\d+)|[×x]\s*10\^\{?(?P<exp2>[+-]?\d+)\}?))?"
)
_TEXT = re.compile(
    r"^\s*(?P<approx>~|roughly\s+|about\s+|approximately\s+)?" + _NUMBER + r"\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_INTERVAL = re.compile(r"\(\s*(?P<lo>[^,()]+?)\s*,\s*(?P<hi>[^,()]+?)\s*\)")
_SUFFIX = re.compile(
    r"^(?P<unit>%|×|x(?![a-z])|thousand|million|billion|trillion|[kmbt](?![a-z]))", re.IGNORECASE
)


MACHINE_DIGITS = 15  # significant digits from which a printed number is a program's float64 repr
MACHINE_RTOL = 1e-12  # ... and stands for itself within this, relative


@dataclass(frozen=True)
class Tolerance:
    """The values a printed number stands for: [lo, hi], and which clause of the rule set them."""

    text: str  # the printed text
    value: float  # the printed number in plain units ("4.68 billion" -> 4.68e9, "45%" -> 0.45)
    lo: float
    hi: float
    clause: str  # "digits", "interval", "order of magnitude", "all" or "machine"

    def contains(self, x: float) -> bool:
        return bool(self.lo <= x <= self.hi)

    def error(self, x: float) -> float:
        """Distance of x from the printed value, in units of the tolerance (<= 1 inside)."""
        if self.clause == "order of magnitude":
            return abs(math.log10(x / self.value)) / math.log10(ORDER_OF_MAGNITUDE_FACTOR)
        if x == self.value:
            return 0.0  # also for a tolerance of zero width ("all")
        half = (self.hi - self.value) if x >= self.value else (self.value - self.lo)
        return abs(x - self.value) / half if half > 0 else math.inf

    def describe(self) -> str:
        if self.clause == "interval":
            return f"in [{_g(self.lo)}, {_g(self.hi)}] (printed interval)"
        if self.clause == "order of magnitude":
            return "within a factor sqrt(10) (order of magnitude)"
        if self.clause == "all":
            return "exactly 1 (the paper says all)"
        if self.clause == "machine":
            return f"±{MACHINE_RTOL:g} relative (a float64 printed in full by a program)"
        if self.text.lstrip().startswith("1/"):
            d = 1.0 / self.value
            return f"1/x, x in [{1 / self.hi:.10g}, {1 / self.lo:.10g}] (half a unit of {d:.10g})"
        return f"±{_g((self.hi - self.lo) / 2)} (half a unit of the last printed digit)"


def _g(x: float) -> str:
    return f"{x:.4g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.3g}"


def _number(m: re.Match, rest: str) -> tuple[float, float, float]:
    """(value, half unit of the last digit, scale) of a matched number."""
    mant = m.group("mant").replace(",", "")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    exp = m.group("exp") or m.group("exp2")
    scale = 10.0 ** int(exp) if exp else 1.0
    u = _SUFFIX.match(rest)
    if u:
        scale *= _SCALES[u.group("unit").lower()]
    return float(mant) * scale, 0.5 * 10.0**-decimals * scale, scale


def from_printed(text: str) -> Tolerance:
    """The tolerance the rule gives a number printed as ``text`` (see the module docstring).

    Raises ValueError naming the text when it does not start with a number.
    """
    if re.match(r"all\b", text.strip()):  # "all of its points": a share of exactly 1
        return Tolerance(text, 1.0, 1.0, 1.0, "all")
    m = _TEXT.match(text)
    if m is None:
        raise ValueError(f"printed text must start with a number or 'all', got {text!r}")
    digits = re.sub(r"[^0-9]", "", m.group("mant")).lstrip("0")
    if len(digits) >= MACHINE_DIGITS and not m.group("rest").strip():
        # a float64 written in full by a program (repr), not rounded by an author: the same
        # computation summed in another order moves its last digits, so it stands for itself
        # within MACHINE_RTOL relative
        value = float(text.replace(",", ""))
        half = abs(value) * MACHINE_RTOL
        return Tolerance(text, value, value - half, value + half, "machine")
    rest = m.group("rest")
    value, half, scale = _number(m, rest)
    if m.group("frac"):
        d = value
        return Tolerance(text, 1.0 / d, 1.0 / (d + half), 1.0 / (d - half), "digits")
    iv = _INTERVAL.search(rest)
    if iv is not None:
        lo, hi = (float(iv.group(k).replace(",", "")) * scale for k in ("lo", "hi"))
        if not lo <= hi:
            raise ValueError(f"printed interval must have lo <= hi, got {text!r}")
        return Tolerance(text, value, lo, hi, "interval")
    mant = m.group("mant")
    if m.group("approx") == "~" and mant == "1" and (m.group("exp") or m.group("exp2")):
        f = ORDER_OF_MAGNITUDE_FACTOR
        return Tolerance(text, value, value / f, value * f, "order of magnitude")
    return Tolerance(text, value, value - half, value + half, "digits")
