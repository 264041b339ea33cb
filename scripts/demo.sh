#!/usr/bin/env bash
# Sets up a fresh clone, then starts openbis-sandbox and JupyterLab connected to it.
# Options go to scripts/demo.py (--lab-port, --sandbox-port, --data-dir, --no-browser);
# --no-setup skips the install step (for a clone already set up, and for the tests).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
setup=1
args=()
for arg in "$@"; do
    if [ "$arg" = --no-setup ]; then
        setup=0
    else
        args+=("$arg")
    fi
done
if [ "$setup" = 1 ]; then
    scripts/setup.sh
fi
exec .venv/bin/python scripts/demo.py ${args[@]+"${args[@]}"}
