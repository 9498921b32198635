"""Argument types of the benchmarks: a bad value exits 2 with one line naming the flag, the
value and the accepted range (argparse prints ``argument --flag: ...``)."""

from __future__ import annotations

import argparse
import math


def at_least(low: float, integer: bool = True):
    """An argparse ``type`` accepting a finite number >= ``low`` (an integer if ``integer``)."""
    kind = "an integer" if integer else "a number"

    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or value < low:
            raise argparse.ArgumentTypeError(f"must be {kind} >= {low:g}, got {text!r}")
        return value

    return parse
