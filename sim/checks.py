"""Parameter checks shared by the model's parts: a bad value fails naming itself."""

from __future__ import annotations

import math
import numbers
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any


def check_ranges(checks: Iterable[tuple[str, float, float, float]]) -> None:
    """Raise if any value lies outside its closed range (NaN lies outside every range).

    Args:
        checks: (name, value, low, high) tuples.

    Raises:
        ValueError: Naming the first parameter out of range, its range and its value.
    """
    for name, value, low, high in checks:
        if not low <= value <= high:
            raise ValueError(f"{name}: expected a value in [{low}, {high}], got {value!r}")


def allowed_types(annotation: Any) -> tuple:
    """The types a (possibly union) annotation allows."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def check_value(name: str, value: Any, annotation: Any, bounds: tuple | None = None) -> None:
    """Check one argument against its annotation (bool, int, float, optional) and range.

    A float takes any real number but a bool; an int a whole number (not a bool, not 2.7);
    a bool only True or False (not "no", not 1); a float must be finite unless its range
    reaches infinity. Other annotations (names, mappings, worlds) are left to the code that
    reads them.

    Raises:
        ValueError: Naming the argument, what was expected and what it got.
    """
    allowed = allowed_types(annotation)
    if value is None:
        if type(None) in allowed or not {bool, int, float} & set(allowed):
            return
        raise ValueError(f"{name}: expected a number, got None")
    if bool in allowed:
        if not isinstance(value, bool) and type(value).__name__ != "bool_":
            raise ValueError(f"{name}: expected True or False, got {value!r}")
        return
    if float in allowed:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name}: expected a number, got {value!r}")
        value = float(value)
        if math.isnan(value) or (math.isinf(value) and not (bounds and math.isinf(bounds[1]))):
            raise ValueError(f"{name}: expected a finite number, got {value!r}")
    elif int in allowed:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name}: expected a whole number, got {value!r}")
    else:
        return
    if bounds is not None:
        check_ranges([(name, value, *bounds)])


def check_arguments(
    values: Mapping[str, Any], annotations: Mapping[str, Any], ranges: Mapping[str, tuple]
) -> None:
    """Check every argument of `values` with `check_value` (its annotation and range).

    Raises:
        ValueError: Naming the first bad argument.
    """
    for name, value in values.items():
        check_value(name, value, annotations.get(name), ranges.get(name))
