"""Proof that a request comes from a kernel this Jupyter server started.

Shared by the server route and the kernel client, so it stays stdlib-only.
A kernel proves itself with an HMAC over (purpose, kernel id, time) keyed with
the signing key of its connection file: only the server that launched the
kernel and the kernel process itself know that key. The browser never sees it
(the server signs kernel messages on its behalf), so a web page holding the
user's Jupyter token or cookie still cannot pass.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PROOF_VERSION = "openbis-bridge-kernel/1"
MAX_CLOCK_SKEW_S = 120
KERNEL_ID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# jupyter_server names connection files ``kernel-<kernel id>.json``.
CONNECTION_FILE_RE = re.compile(rf"kernel-({KERNEL_ID_RE.pattern})\.json")


def sign(key: bytes, purpose: str, kernel_id: str, timestamp: int) -> str:
    message = f"{PROOF_VERSION}\n{purpose}\n{kernel_id}\n{timestamp}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_valid(
    key: bytes, purpose: str, kernel_id: str, timestamp: int, proof: str, now: float
) -> bool:
    """Constant-time check; a proof is only good within ``MAX_CLOCK_SKEW_S`` of ``now``."""
    if not key or abs(now - timestamp) > MAX_CLOCK_SKEW_S:
        return False
    return hmac.compare_digest(sign(key, purpose, kernel_id, timestamp), proof)


def kernel_id_from_connection_file(path: str) -> str | None:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    match = CONNECTION_FILE_RE.fullmatch(name)
    return match.group(1) if match else None
