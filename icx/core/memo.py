"""``Memo``: the one way icx works out each distinct value once.

A batch of unit workbooks repeats the same values in every file (header texts, cell wordings,
the same 参数设置 sheet), so some work is kept by the value it was done for. ``memo[key]`` is
``make(key)``, worked out on the first lookup of ``key`` and kept; a hit costs one dict lookup.
At most ``limit`` keys are kept: a full memo starts again, so a long batch never grows it
without bound. Work derived from one immutable object (a methodology's lookup tables) is kept
on the object instead, with ``functools.cached_property``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """``make`` applied to each distinct key once (see the module's note)."""

    __slots__ = ("make", "limit")

    def __init__(self, make: Callable[[K], V], limit: int = 65536):
        super().__init__()
        self.make = make
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value
