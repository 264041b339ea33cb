"""Proof that a request comes from a kernel this Jupyter server started.

Shared by the server route and the kernel client, so it stays stdlib-only.
A kernel proves itself with an HMAC over (purpose, kernel id, time, nonce)
keyed with the signing key of its connection file: only the server that
launched the kernel and the processes that can read that file know that key.
The browser never sees it (the server signs kernel messages on its behalf), so
a web page holding the user's Jupyter token or cookie still cannot pass.

A proof is good once: it must be within ``MAX_CLOCK_SKEW_S`` of the server's
clock, and the server remembers each nonce for that long (``ProofLedger``), so
a proof seen on the wire or in a log cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading

PROOF_VERSION = "openbis-bridge-kernel/2"
MAX_CLOCK_SKEW_S = 30
KERNEL_ID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# jupyter_server names connection files ``kernel-<kernel id>.json``.
CONNECTION_FILE_RE = re.compile(rf"kernel-({KERNEL_ID_RE.pattern})\.json")


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def sign(key: bytes, purpose: str, kernel_id: str, timestamp: int, nonce: str) -> str:
    message = f"{PROOF_VERSION}\n{purpose}\n{kernel_id}\n{timestamp}\n{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_valid(
    key: bytes, purpose: str, kernel_id: str, timestamp: int, nonce: str, proof: str, now: float
) -> bool:
    """Constant-time check; a proof is only good within ``MAX_CLOCK_SKEW_S`` of ``now``."""
    if not key or abs(now - timestamp) > MAX_CLOCK_SKEW_S or not NONCE_RE.fullmatch(nonce):
        return False
    return hmac.compare_digest(sign(key, purpose, kernel_id, timestamp, nonce), proof)


class ProofLedger:
    """The nonces of accepted proofs, each kept until its proof could no longer pass anyway."""

    def __init__(self, window_s: float = MAX_CLOCK_SKEW_S) -> None:
        self._window = window_s
        self._seen: dict[tuple[str, str], float] = {}  # (kernel id, nonce) -> forget after
        self._lock = threading.Lock()

    def first_use(self, kernel_id: str, nonce: str, timestamp: int, now: float) -> bool:
        """Record the nonce; False if it was used before (a replay)."""
        with self._lock:
            self._seen = {k: until for k, until in self._seen.items() if until >= now}
            if (kernel_id, nonce) in self._seen:
                return False
            self._seen[(kernel_id, nonce)] = timestamp + self._window
            return True

    def __len__(self) -> int:
        return len(self._seen)


def kernel_id_from_connection_file(path: str) -> str | None:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    match = CONNECTION_FILE_RE.fullmatch(name)
    return match.group(1) if match else None
