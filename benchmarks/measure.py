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
    """Peak resident memory (VmHWM) of a process, in MiB."""
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


def drop_page_cache(fallback: list[Path]) -> str:
    """Empty the page cache before a timed run; returns how it was done, for the report.

    As root, ``/proc/sys/vm/drop_caches`` empties the whole cache (after a ``sync``, so
    that dirty pages can go too). Elsewhere only the given files are dropped, with
    ``posix_fadvise(DONTNEED)``, which the kernel may partly ignore.
    """
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return "drop_caches (whole page cache)"
    except OSError:
        for path in fallback:
            evict_from_page_cache(path)
        return "posix_fadvise on the stored files (/proc/sys/vm/drop_caches not writable)"


def current_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


def load_text() -> str:
    """The machine's load: 1/5/15-minute averages over the CPU count."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far: a cost the machine's load does
    not inflate, unlike wall-clock time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
