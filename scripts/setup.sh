#!/usr/bin/env bash
# Installs everything a fresh clone needs (Python 3.11 and Node 20 present):
# a venv in .venv with the extension in editable mode, its JS dependencies and
# the dev build of the labextension. Idempotent: a second run is quick.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

quiet_pip() {
    # The machine's pip config may list extra indexes that pip warns about per package.
    python -m pip "$@" 2>&1 | { grep -v '^WARNING: Location' || true; }
    return "${PIPESTATUS[0]}"
}

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
quiet_pip install -q -U pip
quiet_pip install -q -r requirements-dev.txt
jlpm install
quiet_pip install -q --no-build-isolation -e ".[test]"
jupyter-builder develop . --overwrite
# The R kernel (capture tests): Debian's r-cran-irkernel registers it system-wide; an R with
# IRkernel from elsewhere (no root needed) is registered in the venv's prefix.
if command -v Rscript >/dev/null &&
    ! grep -q '"ir"' <<<"$(jupyter kernelspec list --json)" &&
    Rscript -e 'quit(status = !requireNamespace("IRkernel", quietly = TRUE))' >/dev/null 2>&1; then
    Rscript -e 'IRkernel::installspec(sys_prefix = TRUE)'
fi
# configurable-http-proxy for the JupyterHub tests (tests/hub), from the npm registry.
if [ ! -x tests/hub/node_modules/.bin/configurable-http-proxy ]; then
    npm ci --prefix tests/hub --no-audit --no-fund --loglevel=error
fi
