"""Writes the privacy-preserving match log off the request path.

A match request builds a MatchLogEntry (categories, bands: never the text) and queues it with
the text; the background thread replaces the text by its content words (matcher.privacy) and
writes batches, so neither Sudachi nor a slow disk delays a family's answer. The text lives only
in this in-memory queue, for milliseconds. The queue
is bounded: when the database cannot keep up, entries are dropped and counted, not piled up.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from datetime import datetime

from catalog.records import MatchLogEntry, MatchLogStore
from matcher.privacy import age_band, content_words
from matcher.bands import confidence_band

log = logging.getLogger("tsunagu.match_log")


def entry_for(query_id: str, catalog_version, concern, result, municipality: str | None = None) -> MatchLogEntry:
    """What may be kept of one match (ARCHITECTURE.md, Privacy); `municipality` None: the
    writer's (the default one)."""
    needed: datetime | None = concern.needed_at
    # What was asked for, not what was suggested: an unmet need is one the catalog could not
    # answer, so logging the suggestions would hide it.
    categories = result.asked_categories() or list(dict.fromkeys(r.category for r in result.results[:1]))
    situation = result.situation
    age = concern.child_age_months if concern.child_age_months is not None else situation.child_age_months
    return MatchLogEntry(
        query_id=query_id,
        catalog_version=catalog_version,
        categories=categories,
        confidence=round(float(result.confidence), 4),
        confidence_band=confidence_band(result.confidence),
        area=concern.area or situation.area,  # a district named in the text counts too
        age_band=age_band(age),
        needed_hour=needed.hour if needed else None,
        needed_weekday=needed.weekday() if needed else None,
        safety_level=str(result.safety.get("level", "none")),
        content_words=[],  # filled in by the writer thread, off the request path
        result_count=len(result.results),
        municipality_code=municipality,
    )


class MatchLogWriter:
    def __init__(self, store: MatchLogStore, *, max_queue: int = 10_000, batch: int = 200):
        self.store = store
        self.dropped = 0
        self._queue: queue.Queue[tuple[MatchLogEntry, str] | None] = queue.Queue(maxsize=max_queue)
        self._batch = batch
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tsunagu-match-log", daemon=True)
            self._thread.start()

    def put(self, entry: MatchLogEntry, text: str) -> None:
        try:
            self._queue.put_nowait((entry, text))
        except queue.Full:
            self.dropped += 1

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            entries = [self._private(item) for item in batch if item is not None]
            self._write(entries)
            for _ in batch:
                self._queue.task_done()
            if len(entries) < len(batch):  # the stop marker
                return

    @staticmethod
    def _private(item: tuple[MatchLogEntry, str]) -> MatchLogEntry:
        entry, text = item
        try:
            words = content_words(text)
        except Exception:  # noqa: BLE001 — keep the aggregate row even if tokenising fails
            words = []
        return dataclasses.replace(entry, content_words=words)

    def _write(self, batch: list[MatchLogEntry]) -> None:
        if not batch:
            return
        try:
            self.store.add_many(batch)
        except Exception as exc:  # noqa: BLE001 — logging must never break matching
            self.dropped += len(batch)
            log.warning("match log write failed (%s); %d entries dropped", type(exc).__name__, len(batch))

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued entry is written (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._queue.unfinished_tasks

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
