"""Analysis: the numbers behind each figure family, computed without drawing (no matplotlib)."""
