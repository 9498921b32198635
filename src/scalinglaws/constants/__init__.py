"""Published constants, one module per paper. Nothing outside this package types a published number."""

from scalinglaws.constants.kaplan2020 import KAPLAN, Kaplan2020

__all__ = ["KAPLAN", "Kaplan2020"]
from scalinglaws.constants.besiroglu2024 import BESIROGLU, Besiroglu2024  # noqa: E402
from scalinglaws.constants.hoffmann2022 import HOFFMANN, Hoffmann2022, ParametricFit  # noqa: E402

__all__ += ["BESIROGLU", "Besiroglu2024", "HOFFMANN", "Hoffmann2022", "ParametricFit"]
from scalinglaws.constants.llama3 import LLAMA3, Llama3  # noqa: E402

__all__ += ["LLAMA3", "Llama3"]
from scalinglaws.constants.porian2024 import PORIAN, Porian2024  # noqa: E402

__all__ += ["PORIAN", "Porian2024"]
from scalinglaws.constants.gadre2024 import GADRE, Gadre2024  # noqa: E402
from scalinglaws.constants.gemstones2025 import GEMSTONES, Gemstones2025  # noqa: E402

__all__ += ["GEMSTONES", "Gemstones2025", "GADRE", "Gadre2024"]
