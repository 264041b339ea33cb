"""Bounded thread pools that keep pybis off the Jupyter event loop.

pybis and requests are blocking. Short request/response calls and long
transfers get separate pools so that a few big downloads can never starve
browsing or status checks.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ..errors import UpstreamTimeout

T = TypeVar("T")


class BlockingRunner:
    """Runs blocking callables in worker threads and awaits them with a deadline.

    The deadline is a safety net only: an ``asyncio`` timeout cannot stop a
    thread, so every HTTP call made in these threads carries its own
    ``requests`` timeout as well (see ``openbis_client``). The deadline
    therefore covers the case where a call waits on a busy connection lock.
    """

    def __init__(self, call_workers: int, transfer_workers: int) -> None:
        self._calls = ThreadPoolExecutor(
            max_workers=call_workers, thread_name_prefix="openbis-call"
        )
        self._transfers = ThreadPoolExecutor(
            max_workers=transfer_workers, thread_name_prefix="openbis-transfer"
        )

    async def run(self, fn: Callable[..., T], *args: object, deadline: float | None = None) -> T:
        """Run ``fn(*args)`` in the call pool; raise ``UpstreamTimeout`` past ``deadline`` seconds."""
        future = self._calls.submit(functools.partial(fn, *args))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), deadline)
        except asyncio.TimeoutError:
            future.cancel()  # only helps if it never started; a running thread ends on its HTTP timeout
            raise UpstreamTimeout("openBIS did not answer in time") from None

    def submit_transfer(self, fn: Callable[[], T]) -> Future[T]:
        """Start a long transfer; the job object polls and cancels it itself."""
        return self._transfers.submit(fn)

    def shutdown(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)
        self._transfers.shutdown(wait=False, cancel_futures=True)
