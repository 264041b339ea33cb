"""The profile file is shared with ``jupyter openbis``: edits on either side survive the other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.cli import main as cli

from .support import CONNECTION


@pytest.fixture
def cli_config(tmp_path: Path, bridge_config) -> str:
    """A Jupyter config dir telling the CLI which profile file the running server uses."""
    directory = tmp_path / "cli-config"
    directory.mkdir()
    settings = {"OpenBISBridge": {"connections_file": bridge_config["connections_file"]}}
    (directory / "jupyter_server_config.json").write_text(json.dumps(settings))
    return str(directory)


def names_in(path: str) -> list[str]:
    return [entry["name"] for entry in json.loads(Path(path).read_text())["connections"]]


async def test_cli_add_while_running_survives_a_ui_create(api, bridge_config, cli_config):
    assert await api("GET", "status")  # the server has read the (absent) file
    assert cli(["add", "from-cli", "https://cli.example.org", "--config-dir", cli_config]) == 0

    created = await api(
        "POST", "connections", body={"name": "from-ui", "url": "https://ui.example"}
    )
    assert created.code == 201, created.text

    assert names_in(bridge_config["connections_file"]) == ["from-cli", "from-ui"]
    listing = await api("GET", "connections", params={"live": "false"})
    assert [c["name"] for c in listing.body["connections"]] == [CONNECTION, "from-cli", "from-ui"]
    cli_entry = next(c for c in listing.body["connections"] if c["name"] == "from-cli")
    assert cli_entry["editable"] is True and cli_entry["url"] == "https://cli.example.org"


async def test_cli_remove_and_replace_are_not_undone_by_the_ui(api, bridge_config, cli_config):
    for name in ("gone", "moved"):
        reply = await api("POST", "connections", body={"name": name, "url": f"https://{name}.old"})
        assert reply.code == 201, reply.text
    assert cli(["remove", "gone", "--yes", "--config-dir", cli_config]) == 0
    replaced = ["add", "moved", "https://moved.new", "--replace", "--config-dir", cli_config]
    assert cli(replaced) == 0

    patched = await api("PATCH", "connections/moved", body={"username": "carol"})
    assert patched.code == 200, patched.text
    assert patched.body["url"] == "https://moved.new"  # the CLI's URL, the UI's user
    assert (await api("GET", "connections/gone", params={"live": "false"})).code == 404
    created = await api("POST", "connections", body={"name": "later", "url": "https://later"})
    assert created.code == 201
    saved = json.loads(Path(bridge_config["connections_file"]).read_text())["connections"]
    assert [(e["name"], e["url"], e.get("username")) for e in saved] == [
        ("moved", "https://moved.new", "carol"),
        ("later", "https://later", None),
    ]


async def test_a_damaged_file_is_not_overwritten(api, bridge_config):
    path = Path(bridge_config["connections_file"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"connections": [{"name": "bad name", "url": "https://x"}]}')
    refused = await api("POST", "connections", body={"name": "new", "url": "https://n"})
    assert refused.code == 409 and "cannot be read" in refused.body["message"]
    assert "bad name" in path.read_text()
