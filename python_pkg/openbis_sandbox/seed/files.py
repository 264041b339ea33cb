"""Small but real demo payloads (CSV, PNG, text, notebook) generated in code."""

from __future__ import annotations

import json
import math
import struct
import zlib


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A valid RGB PNG with a smooth gradient (no imaging library needed)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type "None" for each scanline
        for x in range(width):
            rows += bytes(
                (
                    int(255 * x / (width - 1)),
                    int(255 * y / (height - 1)),
                    int(127 + 127 * math.sin((x + y) / 6)),
                )
            )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def measurement_csv(n_rows: int = 20, seed: int = 1) -> bytes:
    lines = ["time_s,temperature_c,absorbance"]
    for i in range(n_rows):
        lines.append(
            f"{i * 0.5:.1f},{21.0 + 0.1 * seed + 0.05 * i:.2f},"
            f"{0.5 + 0.4 * math.sin(i / 3 + seed):.4f}"
        )
    return ("\n".join(lines) + "\n").encode()


def notebook_bytes(title: str) -> bytes:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [f"# {title}\n"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": [
                    "import pandas as pd\n",
                    "df = pd.read_csv('data.csv')\n",
                    "df.describe()",
                ],
            },
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(notebook, indent=1) + "\n").encode()
