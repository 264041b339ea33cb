"""Transfer throughput and memory of the openBIS sandbox's DSS (run on demand, not in CI).

    python benchmarks/sandbox_transfer.py                # 1 GiB, 3 repetitions
    python benchmarks/sandbox_transfer.py --size-mib 64  # quick run

Starts a sandbox in a temporary directory, uploads one file with pybis, then times, in
each repetition and interleaved: pybis fast download, ``curl`` over the plain file GET,
the same file's 1 MiB chunks over ``--streams`` fast-download streams at once (a plain
protocol client: frames checked and dropped, as curl's output goes to ``/dev/null``),
``curl`` from OpenSSL's own C server (``openssl s_server -WWW``, same certificate and
key, serving the same stored file: what one TLS stream can do on this machine, so the
sandbox's own share of the gap to cat shows), and ``cat`` of the stored file (the
raw-read ceiling), each after emptying the page
cache (``drop_caches`` as root, else ``posix_fadvise`` on the stored file; the report
says which). Prints min/median/max in MiB/s, the machine's load, the ratios, and the
sandbox's peak RSS (VmHWM). Exits non-zero when the median curl/cat < 0.8 or the peak
RSS >= 150 MiB. A warm-cache cat (a memcpy at many GiB/s) is printed for reference but
is no fair yardstick for an HTTPS server.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import http.client
import json
import os
import shutil
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from measure import drop_page_cache, load_text, peak_rss_mb, timed, write_random_file

from openbis_sandbox.certs import KEY_NAME
from openbis_sandbox.testing import pybis_client, start_sandbox

MIB = 1024 * 1024
MIN_CURL_TO_CAT = 0.8
MAX_PEAK_RSS_MIB = 150.0
EXPERIMENT = "/LAB/PROJ2/EXP3"
OPENSSL_NAME = "curl, openssl C srv"


def run_command(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def openssl_www_server(folder: Path, cert: Path, key: Path) -> Iterator[int]:
    """``openssl s_server -WWW`` serving ``folder`` on a free port (yields the port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-WWW", "-quiet"]
    command += ["-cert", str(cert), "-key", str(key)]
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:  # listening yet?
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("openssl s_server did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait()


_FIXED = struct.Struct(">IhBhqi")


class ChunkStreams:
    """One file's chunks over several fast-download streams (SPEC §7), each frame's CRC
    checked; ``run`` returns the payload bytes received."""

    def __init__(self, url: str, ca_cert: Path, token: str, item: str, streams: int) -> None:
        self.parts = urlsplit(url + "/datastore_server/file-transfer")
        self.context = ssl.create_default_context(cafile=str(ca_cert))
        self.token, self.item, self.streams = token, item, streams

    def _post(self, conn: http.client.HTTPSConnection, **parameters: str) -> bytes:
        body = json.dumps({k: [v] for k, v in parameters.items()})
        conn.request("POST", self.parts.path, body=body)
        return conn.getresponse().read()

    def _connect(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            self.parts.hostname, self.parts.port, context=self.context
        )

    def run(self) -> int:
        control = self._connect()
        started = json.loads(
            self._post(
                control,
                method="startDownloadSession",
                userSessionId=self.token,
                downloadItemIds=self.item,
                wishedNumberOfStreams=str(self.streams),
            )
        )
        session = started["downloadSessionId"]
        ranges = ", ".join(started["ranges"].values())
        self._post(control, method="queue", downloadSessionId=session, ranges=ranges)
        received = [0] * len(started["streamIds"])
        threads = [
            threading.Thread(target=self._drain, args=(session, stream, received, index))
            for index, stream in enumerate(started["streamIds"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._post(control, method="finishDownloadSession", downloadSessionId=session)
        control.close()
        return sum(received)

    def _drain(self, session: str, stream: str, received: list[int], index: int) -> None:
        conn = self._connect()
        while True:
            body = json.dumps(
                {
                    "method": ["download"],
                    "downloadSessionId": [session],
                    "downloadStreamId": [stream],
                    "numberOfChunks": ["16"],
                }
            )
            conn.request("POST", self.parts.path, body=body)
            response = conn.getresponse()
            frames = 0
            while fixed := response.read(_FIXED.size):
                _, item_length, _, path_length, _, length = _FIXED.unpack(fixed)
                response.read(item_length + path_length + 8)
                payload = response.read(length)
                (crc,) = struct.unpack(">Q", response.read(8))
                if zlib.crc32(payload) != crc:
                    raise SystemExit("a fast-download chunk arrived damaged")
                received[index] += len(payload)
                frames += 1
            if not frames:
                break
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (at least 3)")
    parser.add_argument("--api-version", default="3.7", choices=("3.6", "3.7"))
    parser.add_argument("--port", type=int, default=0, help="sandbox port (default: free)")
    parser.add_argument("--streams", type=int, default=4, help="fast-download streams (4)")
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
            item = f"{ds.permId}/original/{source.name}"
            chunks = ChunkStreams(sandbox.url, sandbox.ca_cert, o.token, item, args.streams)
            streams_name = f"{args.streams} chunk streams"

            def fetch_chunks() -> None:
                if chunks.run() != size:
                    raise SystemExit("the chunk streams did not bring the whole file")

            key = sandbox.ca_cert.parent / KEY_NAME  # the certificate is self-signed
            reference = contextlib.ExitStack()
            openssl_port = reference.enter_context(
                openssl_www_server(stored.parent.parent, sandbox.ca_cert, key)
            )
            curl_openssl = ["curl", "--silent", "--show-error", "--fail", "--insecure"]
            curl_openssl += ["--output", "/dev/null"]
            curl_openssl += [f"https://127.0.0.1:{openssl_port}/original/{source.name}"]
            how = ""
            for rep in range(max(3, args.repeat)):
                runs = {
                    "pybis download": lambda: ds.download(
                        destination=str(download_dir), create_default_folders=False
                    ),
                    "curl (plain GET)": lambda: run_command(curl),
                    OPENSSL_NAME: lambda: run_command(curl_openssl),
                    streams_name: fetch_chunks,
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
            reference.close()
            rss = peak_rss_mb(sandbox.process.pid)
    return report(args, size, seconds, rss, how, streams_name)


def report(
    args: argparse.Namespace,
    size: int,
    seconds: dict[str, list[float]],
    rss: float,
    how: str,
    streams_name: str,
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
    print(
        f"curl sandbox / openssl {rate['curl (plain GET)'] / rate[OPENSSL_NAME]:.2f}"
        "   (the sandbox against OpenSSL's C server: one TLS stream's limit here)"
    )
    print(f"pybis download / cat   {rate['pybis download'] / rate['cat stored file']:.2f}")
    print(
        f"{streams_name} / curl   {rate[streams_name] / rate['curl (plain GET)']:.2f}"
        "   (one file in parallel chunks against one plain GET)"
    )
    print(f"pybis upload / cat     {rate['pybis upload'] / rate['cat stored file']:.2f}")
    print(f"sandbox peak RSS       {rss:.1f} MiB (required < {MAX_PEAK_RSS_MIB:.0f} MiB)")
    ok = curl_to_cat >= MIN_CURL_TO_CAT and rss < MAX_PEAK_RSS_MIB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
