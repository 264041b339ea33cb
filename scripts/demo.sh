#!/usr/bin/env bash
# Sets up a fresh clone, then starts openbis-sandbox and JupyterLab connected to it.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
