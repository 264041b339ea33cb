"""``openbis-sandbox``: start a local openBIS AS+DSS stand-in over HTTPS on one port."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import ssl
import sys
from pathlib import Path

import tornado.httpserver
import tornado.netutil

from .app import make_app
from .certs import ensure_certificate
from .context import SandboxContext
from .faults import FaultSpecError
from .seed.seeding import SEED_CHOICES_HELP, parse_seed, seed_store
from .sftp.server import start_sftp_server
from .store.db import Store

READY_MARKER = "OPENBIS_SANDBOX_READY"
DEFAULT_USER = ("admin", "changeit")
log = logging.getLogger("openbis_sandbox")


def _user(text: str) -> tuple[str, str]:
    name, sep, password = text.partition(":")
    if not sep or not name or not password:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD")
    return name, password


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openbis-sandbox",
        description="A local openBIS application + data store server for pybis and tests.",
    )
    parser.add_argument("--data-dir", required=True, type=Path, help="directory to persist in")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="HTTPS port; 0 picks a free one")
    parser.add_argument("--seed", default="demo", type=parse_seed, help=SEED_CHOICES_HELP)
    parser.add_argument("--api-version", default="3.7", choices=("3.6", "3.7"))
    parser.add_argument(
        "--user",
        action="append",
        type=_user,
        default=[],
        metavar="NAME:PASSWORD",
        help="add a user (repeatable)",
    )
    parser.add_argument(
        "--session-timeout-s",
        type=int,
        default=1800,
        help="idle seconds before a session token expires (default 1800)",
    )
    parser.add_argument(
        "--public-url", default=None, help="origin clients use (default https://HOST:PORT)"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault from the start (repeatable; syntax in faults.py), "
        "e.g. 'latency:ms=200' or 'drop:after=1048576,on=get'",
    )
    parser.add_argument(
        "--sftp-port",
        type=int,
        default=None,
        help="also serve the DSS's read-only SFTP view on this port (openBIS: 2222; "
        "0 picks a free one; default: off)",
    )
    parser.add_argument("--log-level", default="WARNING")
    return parser


def _origin(host: str, port: int) -> str:
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{port}"


async def serve(args: argparse.Namespace) -> None:
    data_dir: Path = args.data_dir.resolve()
    store = Store(data_dir, session_timeout_s=args.session_timeout_s)
    seed_store(store, args.seed)
    users = [DEFAULT_USER, *args.user]
    for name, password in users:
        store.upsert_user(name, password)

    cert_path, key_path = ensure_certificate(data_dir, args.host)
    ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ssl_ctx.load_cert_chain(cert_path, key_path)

    sockets = tornado.netutil.bind_sockets(args.port, args.host)
    port = sockets[0].getsockname()[1]
    ctx = SandboxContext(
        data_dir=data_dir,
        store=store,
        base_url=(args.public_url or _origin(args.host, port)).rstrip("/"),
        api_version=args.api_version,
        session_timeout_s=args.session_timeout_s,
    )
    app = make_app(ctx)
    for spec in args.fault:
        ctx.faults.apply_spec(spec)
    server = tornado.httpserver.HTTPServer(
        app, ssl_options=ssl_ctx, max_body_size=1 << 40, idle_connection_timeout=300
    )
    server.add_sockets(sockets)
    sftp = None
    if args.sftp_port is not None:
        sftp = await start_sftp_server(ctx, args.host, args.sftp_port)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    admin_user, admin_password = "admin", dict(users)["admin"]  # a later --user admin:X wins
    print(f"openBIS sandbox (API {ctx.api_version}) serving {ctx.base_url}", flush=True)
    print(f"  data dir: {data_dir}", flush=True)
    print(f"  login:    {admin_user} / {admin_password}", flush=True)
    print(
        f"  CA cert:  {cert_path}  (pybis: Openbis(url, verify_certificates=<this path>))",
        flush=True,
    )
    ready = {
        "url": ctx.base_url,
        "port": port,
        "ca_cert": str(cert_path),
        "user": admin_user,
        "password": admin_password,
        "api_version": ctx.api_version,
    }
    if sftp is not None:
        ready["sftp_port"] = sftp.sockets[0].getsockname()[1]
        print(f"  SFTP:     port {ready['sftp_port']} (read-only data store view)", flush=True)
    print(f"{READY_MARKER} {json.dumps(ready)}", flush=True)

    await stop.wait()
    server.stop()
    await server.close_all_connections()
    if sftp is not None:
        sftp.close()
        await sftp.wait_closed()
    store.close()
    print("openBIS sandbox stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    except FaultSpecError as error:
        build_parser().error(f"--fault {error}")
    return 0
