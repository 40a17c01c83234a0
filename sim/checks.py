"""Parameter checks shared by the model's parts: a bad value fails naming itself."""

from __future__ import annotations

from collections.abc import Iterable


def check_ranges(checks: Iterable[tuple[str, float, float, float]]) -> None:
    """Raise if any value lies outside its closed range.

    Args:
        checks: (name, value, low, high) tuples.

    Raises:
        ValueError: Naming the first parameter out of range, its range and its value.
    """
    for name, value, low, high in checks:
        if not low <= value <= high:
            raise ValueError(f"{name}: expected a value in [{low}, {high}], got {value!r}")
