"""Run the tests' JupyterHub for the Playwright smoke test (ui-tests/playwright-hub.config.js).

    python tests/hub/serve_for_browser.py PORT   # as root; stops (and removes its user) on SIGTERM

Writes ``ui-tests/hub-<PORT>.json`` with the hub's URL and the user's credentials.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tests.hub.hubenv import REPO, HubPorts, running_hub  # noqa: E402

USER, PASSWORD = "obhub-carol", "carol-pw-33"


def main() -> None:
    port = int(sys.argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    info = REPO / "ui-tests" / f"hub-{port}.json"
    with running_hub(
        {USER: PASSWORD}, HubPorts(public=port, proxy_api=port + 1, hub=port + 2)
    ) as hub:
        info.write_text(json.dumps({"url": hub.url, "user": USER, "password": PASSWORD}))
        print(f"hub ready at {hub.url}", flush=True)
        stop.wait()
    info.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
