"""A bounded, thread-safe LRU of finished answers, counted in bytes, keys included.

Clients choose the keys (query text, Accept header), so a key is counted as well as the value:
an entry costs the bytes of its value, the bytes of the strings in its key and a fixed overhead.
An entry larger than ``max_entry_bytes`` is not kept; the least recently used entries go first
when the total passes ``max_bytes``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

ENTRY_OVERHEAD = 256  # bytes: the dictionary slot, the tuple, the answer object


def key_bytes(key: Any) -> int:
    """The bytes a key holds: its strings and byte strings, through tuples; an object with an
    ``nbytes`` property (a query job) says it itself; anything else counts 8."""
    if isinstance(key, str | bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(key_bytes(part) for part in key) + 8 * len(key)
    return int(getattr(key, "nbytes", 8))


class ResultCache:
    """Answers by key, at most ``max_bytes`` in all and ``max_entry_bytes`` each."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: Any, value_bytes: int) -> bool:
        """Keep ``value`` (of ``value_bytes``) under ``key``; False if it is too large to keep."""
        cost = value_bytes + key_bytes(key) + ENTRY_OVERHEAD
        if cost > self.max_entry_bytes or cost > self.max_bytes:
            return False
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._data[key] = (value, cost)
            self._size += cost
            while self._size > self.max_bytes and self._data:
                _, (_value, evicted) = self._data.popitem(last=False)
                self._size -= evicted
        return True

    @property
    def size(self) -> int:
        """The bytes the entries are counted for."""
        return self._size

    def __len__(self) -> int:
        return len(self._data)
