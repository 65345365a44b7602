"""Work split between this process and one forked helper, results in order.

Clustering a large store is CPU-bound pure Python. `in_order` runs numbered pieces of work with two
processes: this one and a child forked from it, which sees the same memory (copy on write) and so
needs nothing sent to it but the number of the piece to do. Each process takes the next piece
nobody has taken, so the work is balanced even while this process is also busy with the results
(writing them to the store). One child rather than a pool: a forked child's copies of the pages it
touches are extra memory, and the parent's own pages cost nothing more.

Without fork (or with a single core) everything runs here, in order: the results are the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


def available() -> bool:
    """Whether a helper process can share the work: fork exists and there is a second core."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def in_order(work: Callable[[int], T], count: int, *, parallel: bool = True) -> Iterator[T]:
    """work(0), work(1), ... work(count - 1), yielded in that order.

    With `parallel` (and `available()`), a forked child does some of the pieces; `work` must then
    be a pure function of its number and of the state at the time of the first `next()`: the child
    sees this process as it was then.
    """
    if not parallel or count < 2 or not available():
        for number in range(count):
            yield work(number)
        return
    context = multiprocessing.get_context("fork")
    taken = context.Value("l", 0)  # the next piece nobody has taken
    results = context.Queue()  # (number, result) or (-1, traceback text) from the child
    # Objects alive now are left out of garbage collections, in both processes while both live:
    # a collection writes to every object it visits, and a page written by either process is
    # copied.
    gc.freeze()
    child = context.Process(target=_serve, args=(work, count, taken, results), daemon=True)
    child.start()
    done: dict[int, T] = {}
    try:
        for number in range(count):
            while number not in done:
                _collect(results, done)
                if number in done:
                    break
                mine = _take(taken, count)
                if mine is None:  # everything taken: wait for the child's pieces
                    _collect(results, done, wait=1.0)
                    if number not in done and not child.is_alive():
                        _collect(results, done)  # what it sent before it ended
                        if number not in done:
                            raise RuntimeError(f"helper process ended (exit code {child.exitcode})")
                else:
                    done[mine] = work(mine)
            yield done.pop(number)
    finally:
        # All done: the child is exiting anyway. Stopped early (an error here, or the caller stopped
        # reading): its work is no longer wanted.
        child.terminate()
        child.join()
        results.close()
        gc.unfreeze()


def _take(taken, count: int) -> int | None:  # noqa: ANN001 - a multiprocessing Value
    with taken.get_lock():
        number = taken.value
        if number >= count:
            return None
        taken.value = number + 1
        return number


def _collect(results, done: dict, *, wait: float = 0.0) -> None:  # noqa: ANN001 - a multiprocessing Queue
    """Move the child's finished pieces into `done`, waiting up to `wait` seconds for the first."""
    while True:
        try:
            number, result = results.get(block=wait > 0, timeout=wait or None)
        except queue.Empty:
            return
        if number < 0:
            raise RuntimeError(f"helper process failed:\n{result}")
        done[number] = result
        wait = 0.0


def _serve(work: Callable[[int], T], count: int, taken, results) -> None:  # noqa: ANN001
    """The child: do pieces nobody has taken until none is left."""
    try:
        while (number := _take(taken, count)) is not None:
            results.put((number, work(number)))
    except BaseException:
        results.put((-1, traceback.format_exc()))
    results.close()
    results.join_thread()
