"""The environment a report was written in: Python and the versions of the packages that matter."""

from __future__ import annotations

PACKAGES = ("numpy", "scipy", "pandas", "matplotlib", "papermill", "pooch", "torch")


def environment() -> list[str]:
    """Markdown list rows: the Python version, then each package's version or 'not installed'."""
    import importlib.metadata as md
    import platform

    rows = [f"- Python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            rows.append(f"- {name} {md.version(name)}")
        except md.PackageNotFoundError:
            rows.append(f"- {name}: not installed")
    return rows
