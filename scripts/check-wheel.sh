#!/usr/bin/env bash
# Packaging check: build the wheel, install it into a fresh venv with no Node on
# PATH, and check that JupyterLab and Jupyter Server report the extension
# enabled and OK. Writes a JUnit report to $1 when given.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
report=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cases=()
failures=0
check() {  # check NAME CMD... : one test case of the report
    local name=$1
    shift
    if "$@" >"$work/last.log" 2>&1; then
        echo "  ok    $name"
        cases+=("<testcase classname=\"packaging\" name=\"$name\"/>")
    else
        echo "  FAIL  $name"
        sed 's/^/        /' "$work/last.log"
        cases+=("<testcase classname=\"packaging\" name=\"$name\"><failure message=\"failed\"/></testcase>")
        failures=$((failures + 1))
    fi
}

python -m pip wheel -q --no-deps --no-build-isolation . -w "$work/dist" 2>&1 | { grep -v '^WARNING: Location' || true; }
wheel=$(ls "$work"/dist/jupyterlab_openbis_bridge-*.whl)
python -c 'import sys; print(sys.base_prefix)' >"$work/base"
"$(cat "$work/base")/bin/python3" -m venv "$work/venv"

# Only the new venv on PATH: nothing below may need Node or the dev environment.
isolated() { env -u VIRTUAL_ENV PATH="$work/venv/bin" "$@"; }

no_node() { ! isolated sh -c 'command -v node'; }
install_wheel() { isolated "$work/venv/bin/python" -m pip install -q "$wheel"; }
labextension_ok() {
    local listing
    listing=$(isolated "$work/venv/bin/jupyter" labextension list 2>&1)
    echo "$listing" >&2
    echo "$listing" | grep -qE 'jupyterlab-openbis-bridge v[0-9.]+.*enabled.*OK'
}
server_extension_ok() {
    local listing
    listing=$(isolated "$work/venv/bin/jupyter" server extension list 2>&1)
    echo "$listing" >&2
    echo "$listing" | grep -qE 'jupyterlab_openbis_bridge.*enabled' &&
        echo "$listing" | grep -qE 'jupyterlab_openbis_bridge [0-9.]+.*OK'
}
sandbox_script_installed() { isolated "$work/venv/bin/openbis-sandbox" --help; }

check "wheel-venv-has-no-node" no_node
check "wheel-installs" install_wheel
check "labextension-enabled-ok" labextension_ok
check "server-extension-enabled-ok" server_extension_ok
check "sandbox-console-script" sandbox_script_installed

if [ -n "$report" ]; then
    {
        echo "<testsuite name=\"packaging\" tests=\"${#cases[@]}\" failures=\"$failures\">"
        printf '%s\n' "${cases[@]}"
        echo "</testsuite>"
    } >"$report"
fi
[ "$failures" -eq 0 ]
