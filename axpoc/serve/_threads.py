"""Reading ahead of and writing behind the scoring thread, each in one background thread, errors handed over."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pandas as pd

_END = object()


def read_ahead(chunks: Iterator[pd.DataFrame]) -> Generator[pd.DataFrame, None, None]:
    """``chunks`` produced by a background thread one chunk ahead of the consumer, errors included.

    Closing the returned generator stops the thread and closes ``chunks`` (its open file) there.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it where the read was asked
            put(exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, daemon=True, name="axpoc-read")
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


class Writer:
    """Runs write jobs in order, in one background thread with at most one job waiting (or inline).

    A failed job's exception is raised by the next ``submit`` or by ``finish``; ``stop`` abandons what
    is still queued and waits for the job in progress, so the caller can close and remove the files.
    """

    def __init__(self, *, background: bool) -> None:
        self._jobs: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = (
            threading.Thread(target=self._run, daemon=True, name="axpoc-write") if background else None
        )
        if self._thread is not None:
            self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _END:
                return
            if self._error is None:
                try:
                    job()
                except BaseException as exc:  # raised in the submitting thread, see _raise
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, job: Callable[[], Any]) -> None:
        self._raise()
        if self._thread is None:
            job()
        else:
            self._jobs.put(job)

    def finish(self) -> None:
        """Wait for every submitted job; raise the first failure."""
        self.stop(drop=False)
        self._raise()

    def stop(self, *, drop: bool) -> None:
        """End the thread after the job in progress; ``drop`` abandons the jobs still waiting."""
        if self._thread is None or not self._thread.is_alive():
            return
        while drop and not self._jobs.empty():
            self._jobs.get_nowait()
        self._jobs.put(_END)
        self._thread.join()
