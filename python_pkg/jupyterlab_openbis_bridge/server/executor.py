"""Bounded thread pools that keep pybis off the Jupyter event loop.

pybis and requests are blocking. Short request/response calls and long
transfers get separate pools so that a few big downloads can never starve
browsing or status checks.

Calls for one openBIS connection run in that connection's own *lane*: a small
pool of its own with a bound on the calls waiting for it (a bulkhead). A hung
or slow instance fills only its own lane, so calls to every other connection
keep their threads; past the bound, further calls for the hung one are refused
at once instead of piling up. A lane exists while it has calls: its pool is
created on the first and shut down after the last, so a stream of names costs
no threads. With ``lane_workers=0`` every call shares the one call pool (the
behaviour before lanes, kept for comparison in ``benchmarks/bulkhead.py``).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from ..errors import UpstreamTimeout

T = TypeVar("T")


@dataclass
class _Lane:
    pool: ThreadPoolExecutor
    calls: int = 0  # running plus waiting


class BlockingRunner:
    """Runs blocking callables in worker threads and awaits them with a deadline.

    The deadline is a safety net only: an ``asyncio`` timeout cannot stop a
    thread, so every HTTP call made in these threads carries its own
    ``requests`` timeout as well (see ``openbis_client``). The deadline
    therefore covers the case where a call waits on a busy connection lock
    or in its lane's queue.
    """

    def __init__(
        self,
        call_workers: int,
        transfer_workers: int,
        *,
        lane_workers: int = 2,
        lane_queue: int = 32,
    ) -> None:
        self._calls = ThreadPoolExecutor(
            max_workers=call_workers, thread_name_prefix="openbis-call"
        )
        self._transfers = ThreadPoolExecutor(
            max_workers=transfer_workers, thread_name_prefix="openbis-transfer"
        )
        self._lane_workers = lane_workers
        self._lane_queue = max(1, lane_queue)
        self._lanes: dict[str, _Lane] = {}
        self._lanes_lock = threading.Lock()

    async def run(
        self,
        fn: Callable[..., T],
        *args: object,
        deadline: float | None = None,
        lane: str | None = None,
    ) -> T:
        """Run ``fn(*args)``; raise ``UpstreamTimeout`` past ``deadline`` seconds.

        With ``lane`` (a connection name) it runs in that connection's lane.
        """
        future = self._submit(functools.partial(fn, *args), lane)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), deadline)
        except asyncio.TimeoutError:
            future.cancel()  # only helps if it never started; a running thread ends on its HTTP timeout
            raise UpstreamTimeout("openBIS did not answer in time") from None

    def _submit(self, call: Callable[[], T], lane: str | None) -> Future[T]:
        if lane is None or self._lane_workers <= 0:
            return self._calls.submit(call)
        with self._lanes_lock:
            current = self._lanes.get(lane)
            if current is None:
                pool = ThreadPoolExecutor(
                    max_workers=self._lane_workers, thread_name_prefix="openbis-lane"
                )
                current = self._lanes[lane] = _Lane(pool)
            if current.calls >= self._lane_queue:
                raise UpstreamTimeout(
                    f"connection {lane!r} has {current.calls} openBIS calls waiting; "
                    "its openBIS is not answering"
                )
            current.calls += 1
            future = current.pool.submit(call)
        future.add_done_callback(lambda _: self._leave(lane, current))
        return future

    def _leave(self, name: str, lane: _Lane) -> None:
        with self._lanes_lock:
            lane.calls -= 1
            if lane.calls == 0 and self._lanes.get(name) is lane:
                del self._lanes[name]
                lane.pool.shutdown(wait=False)

    def lane_calls(self, lane: str) -> int:
        """Calls running or waiting in ``lane`` (0 when it has none)."""
        with self._lanes_lock:
            current = self._lanes.get(lane)
            return current.calls if current else 0

    def submit_transfer(self, fn: Callable[[], T]) -> Future[T]:
        """Start a long transfer; the job object polls and cancels it itself."""
        return self._transfers.submit(fn)

    def shutdown(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)
        self._transfers.shutdown(wait=False, cancel_futures=True)
        with self._lanes_lock:
            lanes, self._lanes = list(self._lanes.values()), {}
        for lane in lanes:
            lane.pool.shutdown(wait=False, cancel_futures=True)
