"""openBIS that stops sending in the middle of a file, without closing the connection
(the sandbox's ``stall`` fault): the download fails as a timeout, not as a lost connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
CSV = "20250123080000000-19"  # RAW_DATA, original/data.csv (372 bytes)


@pytest.fixture
def short_timeout(bridge_config):
    bridge_config["request_timeout"] = 1.0  # the per-read timeout of a download's file GET


def parts_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part")]


async def test_a_stall_mid_download_is_an_upstream_timeout(
    short_timeout, api, login, wait_job, jp_root_dir, sandbox_admin
):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("stall:after=100,on=get")
    started = await api("POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "d"})
    assert started.code == 202, started.text
    done = await wait_job(started.body["id"])
    assert done["state"] == "failed", done
    assert done["error"]["reason"] == "upstream_timeout", done  # 504, not upstream_unreachable
    assert "stopped sending" in done["error"]["message"], done
    # The bridge gave up on the connection: the sandbox's handler is let go at once.
    state = await sandbox_admin.wait_stalled(0)
    assert state["counters"]["fired.stall"] == 1
    assert parts_under(jp_root_dir) == []
    assert not (jp_root_dir / "d" / CSV / "data.csv").exists()
    # The stall fired once: a retry downloads the file.
    again = await api("POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "d"})
    assert again.code == 202, again.text
    assert (await wait_job(again.body["id"]))["state"] == "succeeded"
    assert (jp_root_dir / "d" / CSV / "data.csv").stat().st_size == 372
