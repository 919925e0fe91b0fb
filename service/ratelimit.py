"""A per-client sliding-window rate limit, in memory.

Each worker process keeps its own window, so with N workers a client may get up to N × the limit
before every worker has seen it; put a proxy limit in front for a hard global cap.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Callable


class SlidingWindowLimiter:
    """At most `limit` hits per `window` seconds per key; `limit` 0 turns it off."""

    def __init__(self, limit: int, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record one request; None when allowed, else seconds until the client may retry."""
        if self.limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._max_keys:
                    self._prune(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.0)
            hits.append(now)
            return None

    def _prune(self, now: float) -> None:
        """Forget clients whose window is empty (keeps memory bounded under many addresses)."""
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:  # still full of active clients: drop the oldest
            oldest = sorted(self._hits, key=lambda k: self._hits[k][-1])[: len(self._hits) // 10 or 1]
            for key in oldest:
                del self._hits[key]

    @staticmethod
    def retry_after_header(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
