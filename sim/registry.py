"""Named registries: alignment strategies, great-power strategies, event kinds.

Adding one is writing a function and decorating it with the registry's `register`; the name
is what configs, sweeps and the dashboard use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def registrar(registry: dict[str, Callable], kind: str) -> Callable[[str], Callable[[F], F]]:
    """A decorator factory that adds functions to `registry` under a name, once.

    Args:
        registry: The mapping that holds the functions by name.
        kind: What they are, for the error message (e.g. "alignment strategy").

    Returns:
        `register(name)`, whose result decorates the function to add.
    """

    def register(name: str) -> Callable[[F], F]:
        def add(function: F) -> F:
            if name in registry:
                raise ValueError(f"{kind} {name!r} is already registered")
            registry[name] = function
            return function

        return add

    return register
