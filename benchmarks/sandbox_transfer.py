"""Transfer throughput and memory of the openBIS sandbox's DSS (run on demand, not in CI).

    python benchmarks/sandbox_transfer.py                # 1 GiB
    python benchmarks/sandbox_transfer.py --size-mib 64  # quick run

Starts a sandbox in a temporary directory, then times, for one file:
pybis upload (``new_dataset(...).save()``), pybis fast download, ``curl`` over
the plain file GET, and ``cat`` of the stored file (the raw-read ceiling).
Prints MB/s (10^6 bytes per second), the ratios, and the sandbox's peak RSS
(VmHWM). Exits non-zero when curl/cat < 0.5 or peak RSS >= 150 MB.

curl and cat both start with the stored file evicted from the page cache, so
both measure "serve the file from disk"; a warm-cache cat (a memcpy at many
GB/s) is printed for reference but is no fair yardstick for an HTTPS server.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import evict_from_page_cache, peak_rss_mb, timed, write_random_file

from openbis_sandbox.testing import pybis_client, start_sandbox

MIB = 1024 * 1024
MIN_CURL_TO_CAT = 0.5
MAX_PEAK_RSS_MB = 150.0
EXPERIMENT = "/LAB/PROJ2/EXP3"


def run_command(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size-mib", type=int, default=1024, help="file size in MiB (default 1024)"
    )
    parser.add_argument("--api-version", default="3.7", choices=("3.6", "3.7"))
    args = parser.parse_args(argv)
    if shutil.which("curl") is None:
        parser.error("curl is required")
    size = args.size_mib * MIB

    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        work = Path(tmp)
        os.environ["HOME"] = str(work)  # pybis must not touch the real ~/.pybis
        source = work / "payload.bin"
        write_random_file(source, size)
        with start_sandbox(work / "obis", api_version=args.api_version) as sandbox:
            assert sandbox.process is not None
            o = pybis_client(sandbox)
            ds = o.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(source)])
            seconds: dict[str, float] = {"pybis upload": timed(ds.save)}

            download_dir = work / "download"
            seconds["pybis download"] = timed(
                lambda: ds.download(destination=str(download_dir), create_default_folders=False)
            )
            if not filecmp.cmp(source, download_dir / source.name, shallow=False):
                raise SystemExit("pybis download differs from the uploaded file")

            url = (
                f"{sandbox.url}/datastore_server/{ds.permId}/original/{source.name}"
                f"?sessionID={o.token}"
            )
            curl = [
                "curl",
                "--silent",
                "--show-error",
                "--fail",
                "--cacert",
                str(sandbox.ca_cert),
                "--output",
                "/dev/null",
                url,
            ]
            stored = sandbox.data_dir / "store" / ds.permId / "original" / source.name
            evict_from_page_cache(stored)
            seconds["curl (plain GET)"] = timed(lambda: run_command(curl))
            evict_from_page_cache(stored)
            seconds["cat stored file"] = timed(lambda: run_command(["cat", str(stored)]))
            seconds["cat (warm cache)"] = timed(lambda: run_command(["cat", str(stored)]))
            rss = peak_rss_mb(sandbox.process.pid)

    rates = {name: size / 1e6 / value for name, value in seconds.items()}
    print(f"\nsandbox transfer benchmark: {args.size_mib} MiB, API {args.api_version}")
    print(f"{'operation':<20}{'seconds':>10}{'MB/s':>10}")
    for name, value in seconds.items():
        print(f"{name:<20}{value:>10.2f}{rates[name]:>10.1f}")
    curl_to_cat = rates["curl (plain GET)"] / rates["cat stored file"]
    print(f"\ncurl / cat             {curl_to_cat:.2f}   (required >= {MIN_CURL_TO_CAT})")
    print(f"pybis download / cat   {rates['pybis download'] / rates['cat stored file']:.2f}")
    print(f"pybis upload / cat     {rates['pybis upload'] / rates['cat stored file']:.2f}")
    print(f"sandbox peak RSS       {rss:.1f} MB (required < {MAX_PEAK_RSS_MB:.0f} MB)")
    ok = curl_to_cat >= MIN_CURL_TO_CAT and rss < MAX_PEAK_RSS_MB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
