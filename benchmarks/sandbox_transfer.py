"""Transfer throughput and memory of the openBIS sandbox's DSS (run on demand, not in CI).

    python benchmarks/sandbox_transfer.py                # 1 GiB, 3 repetitions
    python benchmarks/sandbox_transfer.py --size-mib 64  # quick run

Starts a sandbox in a temporary directory, uploads one file with pybis, then times, in
each repetition and interleaved: pybis fast download, ``curl`` over the plain file GET,
and ``cat`` of the stored file (the raw-read ceiling), each after emptying the page
cache (``drop_caches`` as root, else ``posix_fadvise`` on the stored file; the report
says which). Prints min/median/max in MiB/s, the machine's load, the ratios, and the
sandbox's peak RSS (VmHWM). Exits non-zero when the median curl/cat < 0.8 or the peak
RSS >= 150 MiB. A warm-cache cat (a memcpy at many GiB/s) is printed for reference but
is no fair yardstick for an HTTPS server.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import drop_page_cache, load_text, peak_rss_mb, timed, write_random_file

from openbis_sandbox.testing import pybis_client, start_sandbox

MIB = 1024 * 1024
MIN_CURL_TO_CAT = 0.8
MAX_PEAK_RSS_MIB = 150.0
EXPERIMENT = "/LAB/PROJ2/EXP3"


def run_command(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (at least 3)")
    parser.add_argument("--api-version", default="3.7", choices=("3.6", "3.7"))
    parser.add_argument("--port", type=int, default=0, help="sandbox port (default: free)")
    args = parser.parse_args(argv)
    if shutil.which("curl") is None:
        parser.error("curl is required")
    size = args.size_mib * MIB
    seconds: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        work = Path(tmp)
        os.environ["HOME"] = str(work)  # pybis must not touch the real ~/.pybis
        source = work / "payload.bin"
        write_random_file(source, size)
        with start_sandbox(work / "obis", api_version=args.api_version, port=args.port) as sandbox:
            assert sandbox.process is not None
            o = pybis_client(sandbox)
            ds = o.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(source)])
            seconds["pybis upload"] = [timed(ds.save)]
            stored = sandbox.data_dir / "store" / ds.permId / "original" / source.name
            url = f"{sandbox.url}/datastore_server/{ds.permId}/original/{source.name}"
            curl = ["curl", "--silent", "--show-error", "--fail", "--cacert", str(sandbox.ca_cert)]
            curl += ["--output", "/dev/null", f"{url}?sessionID={o.token}"]
            download_dir = work / "download"
            how = ""
            for rep in range(max(3, args.repeat)):
                runs = {
                    "pybis download": lambda: ds.download(
                        destination=str(download_dir), create_default_folders=False
                    ),
                    "curl (plain GET)": lambda: run_command(curl),
                    "cat stored file": lambda: run_command(["cat", str(stored)]),
                }
                order = list(runs) if rep % 2 == 0 else list(reversed(runs))
                for name in order:
                    shutil.rmtree(download_dir, ignore_errors=True)
                    how = drop_page_cache([stored])
                    seconds.setdefault(name, []).append(timed(runs[name]))
                    fetched = download_dir / source.name
                    if name == "pybis download" and not filecmp.cmp(source, fetched, shallow=False):
                        raise SystemExit("pybis download differs from the uploaded file")
            seconds["cat (warm cache)"] = [timed(lambda: run_command(["cat", str(stored)]))]
            rss = peak_rss_mb(sandbox.process.pid)
    return report(args, size, seconds, rss, how)


def report(
    args: argparse.Namespace, size: int, seconds: dict[str, list[float]], rss: float, how: str
) -> int:
    print(f"\nsandbox transfer benchmark: {args.size_mib} MiB, API {args.api_version}")
    print(f"page cache emptied by {how}; {load_text()}")
    print(f"{'operation':<20}{'MiB/s median':>14}{'min':>9}{'max':>9}  runs")
    rate = {}
    for name, values in seconds.items():
        rates = [size / MIB / v for v in values]
        rate[name] = statistics.median(rates)
        print(f"{name:<20}{rate[name]:>14.1f}{min(rates):>9.1f}{max(rates):>9.1f}  {len(values)}")
    curl_to_cat = rate["curl (plain GET)"] / rate["cat stored file"]
    print(f"\ncurl / cat             {curl_to_cat:.2f}   (required >= {MIN_CURL_TO_CAT})")
    print(f"pybis download / cat   {rate['pybis download'] / rate['cat stored file']:.2f}")
    print(f"pybis upload / cat     {rate['pybis upload'] / rate['cat stored file']:.2f}")
    print(f"sandbox peak RSS       {rss:.1f} MiB (required < {MAX_PEAK_RSS_MIB:.0f} MiB)")
    ok = curl_to_cat >= MIN_CURL_TO_CAT and rss < MAX_PEAK_RSS_MIB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
