"""Helpers shared by the benchmarks: test files, timing, peak memory, page cache."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def write_random_file(path: Path, size: int) -> None:
    """``size`` bytes of incompressible data, written in blocks of at most 8 MiB."""
    block = os.urandom(min(size, 8 * 1024 * 1024) or 1)
    with open(path, "wb") as out:
        left = size
        while left:
            piece = block[: min(len(block), left)]
            out.write(piece)
            left -= len(piece)


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS; False where the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def evict_from_page_cache(path: Path) -> None:
    """Drop a file, or every file below a folder, from the page cache, so reads hit disk."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)  # only clean pages can be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
