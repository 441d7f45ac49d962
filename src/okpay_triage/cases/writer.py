"""The case log's writer thread: cases a `Triage` finishes are written off the request path.

A request that finishes a case should not wait for the database: a case log as a
subscriber puts the case on a queue and returns, and one thread per `CaseLog` writes what
has queued up, all of it in one transaction, so a busy server writes many cases for one
commit. What a host sees:

- `CaseLog.flush` waits until every queued case is written; reading the log (`read`,
  `abandoned_case`) and `close` flush first, so a process reads what it wrote, and a
  ``with CaseLog(...)`` block ends with every case in.
- At the interpreter's exit every open log is flushed (`atexit`); a forked child starts
  with an empty queue of its own (what the parent queued is the parent's to write). A fork
  waits for the batch being written, if any: a thread forked mid-write would leave the
  child holding locks (an import's, the database pool's) that nothing would release.
- A batch that fails is written again case by case, so one bad case costs only itself:
  each case that cannot be written is a WARNING with the reason, as a synchronous write
  that fails is, and the session never hears of it.
- What a process killed outright (``SIGKILL``, power loss) had queued and not yet written
  is lost: under load that is the cases of the last few milliseconds. A host that must not
  lose one writes synchronously (``CaseLog(url, queued=False)``, or `CaseLog.record`).
"""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from okpay_triage.logs import LOGGER

__all__ = ["Writer"]

T = TypeVar("T")


class Writer(Generic[T]):
    """A queue of items and the thread that hands them, in batches, to `write`.

    Args:
        write: takes a batch (oldest first) and writes it; it must not raise (it logs
            what it could not write).
        name: the thread's name, for a host's thread dumps.
    """

    def __init__(self, write: Callable[[list[T]], None], name: str) -> None:
        self._write = write
        self._name = name
        self._reset()
        _WRITERS.add(self)

    def _reset(self) -> None:
        self._ready = threading.Condition()
        # Held while a batch is written; a fork waits for it (`_before_fork`), so the child
        # never inherits a lock the thread held mid-write (an import's module lock, a
        # pool's), which no thread of the child could release.
        self._writing = threading.Lock()
        self._items: list[T] = []
        self._busy = 0  # items taken by the thread and not yet written
        self._thread: threading.Thread | None = None  # the one writing; None: none yet

    def put(self, item: T) -> None:
        """Queue `item`; the thread (started on first use) writes it soon."""
        with self._ready:
            self._items.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._ready.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued item is written; False if `timeout` seconds passed first."""
        with self._ready:
            return self._ready.wait_for(lambda: not self._items and not self._busy, timeout)

    def stop(self) -> None:
        """Write what is queued, then end the thread (`put` starts a new one)."""
        self.flush()
        with self._ready:
            thread, self._thread = self._thread, None  # the thread sees it is not the one
            self._ready.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        me = threading.current_thread()
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._items or self._thread is not me)
                if self._thread is not me:  # stopped: a new `put` has a thread of its own
                    return
            with self._writing:
                with self._ready:
                    batch, self._items = self._items, []
                    self._busy = len(batch)
                try:
                    self._write(batch)
                except Exception as error:  # a bug must not end the thread: flush would hang
                    LOGGER.warning(
                        "%s: %d case(s) not written: %s",
                        self._name,
                        len(batch),
                        type(error).__name__,
                    )
                finally:
                    with self._ready:
                        self._busy = 0
                        self._ready.notify_all()


#: Every writer alive, flushed at exit and emptied in a forked child.
_WRITERS: weakref.WeakSet[Writer[Any]] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    for writer in list(_WRITERS):
        writer.stop()


def _before_fork() -> None:
    for writer in list(_WRITERS):
        writer._writing.acquire()  # the batch being written is finished first


def _after_fork_in_parent() -> None:
    for writer in list(_WRITERS):
        writer._writing.release()


def _after_fork() -> None:
    for writer in list(_WRITERS):
        writer._reset()  # the parent's thread did not come across, nor are its items ours


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork
    )
