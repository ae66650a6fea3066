"""Helpers for work over hundreds of thousands of rows in one request or job."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run without CPython's cyclic garbage collector; it resumes afterwards, as it was.

    An import allocates a few container objects per row (the row's cells, its entry, the
    values to insert), and every few thousand allocations the collector walks the young
    objects, every so often the whole heap of the process — Django's and the file's rows
    included. Measured on a 5 000-row duty log: 0.18 s steady without it, 0.18–0.33 s with
    it, a third of the time on average. The rows make no reference cycles that matter
    (freed by reference counting as they go); whatever cycles the work leaves are found
    by the next collection once this block ends. Nests: only the outermost block resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
