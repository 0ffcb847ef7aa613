"""Cheap random draws for demo data: one random() call each, where
random.choices and randrange cost several times more at a million records."""

import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence

Random01 = Callable[[], float]  # random.Random().random


def between(r: Random01, low: int, high: int) -> int:
    """A whole number from low up to (not including) high."""
    return low + int(r() * (high - low))


def one(r: Random01, items: Sequence):
    return items[int(r() * len(items))]


def two(r: Random01, items: Sequence) -> tuple:
    """Two different items."""
    first, second = int(r() * len(items)), int(r() * (len(items) - 1))
    return items[first], items[second + (second >= first)]


class Weighted:
    """Draws items by weight, with a bisect over cumulative weights."""

    def __init__(self, items: Iterable, weights: Iterable[float]):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total, self.last = self.cum[-1], len(self.items) - 1

    @classmethod
    def zipf(cls, items: Sequence, exponent: float = 1.0) -> "Weighted":
        """Weights 1, 1/2^s, 1/3^s...: the first few items are drawn often."""
        return cls(items, (1 / rank**exponent for rank in range(1, len(items) + 1)))

    def _index(self, r: Random01) -> int:
        return min(bisect.bisect(self.cum, r() * self.total), self.last)

    def one(self, r: Random01):
        return self.items[self._index(r)]

    def distinct(self, r: Random01, k: int) -> list:
        """k different items (all of them when there are no more than k)."""
        k = min(k, len(self.items))
        indexes: dict[int, None] = {}
        while len(indexes) < k:
            indexes.setdefault(self._index(r))
        return [self.items[index] for index in indexes]
