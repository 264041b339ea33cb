#!/usr/bin/env bash
# Sets up a fresh clone and runs every check: lint, pytest, pybis's upstream test suite
# against the sandbox (API 3.6 and 3.7), Jest, the packaging check and Galata (JupyterLab,
# then Notebook 7). Prints a timing table and, last, `ci: N passed, N failed, N skipped`.
# Exits non-zero when any suite fails or runs no test.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/ci-out"
rm -rf "$out"
mkdir -p "$out"

timings=()
failed_suites=()

step() {  # step NAME CMD... : setup work; the first failure aborts the run
    local name=$1 start=$SECONDS
    shift
    echo "::: $name"
    "$@"
    timings+=("$(printf '%-22s %4ss' "$name" $((SECONDS - start)))")
}

suite() {  # suite NAME CMD... : a test suite; failures are recorded, the run goes on
    local name=$1 start=$SECONDS status=0
    shift
    echo "::: $name"
    "$@" || status=$?
    timings+=("$(printf '%-22s %4ss  exit %s' "$name" $((SECONDS - start)) "$status")")
    if [ "$status" -ne 0 ]; then
        failed_suites+=("$name")
    fi
}

install_chromium() {
    if [ ! -x /usr/bin/chromium ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
}

install_sshfs() {  # the data store mount tests (tests/mount) run sshfs over FUSE
    if ! command -v sshfs >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sshfs >/dev/null
    fi
}

install_r() {  # an R kernel for the capture tests (tests/kernel/test_capture_in_kernels.py)
    # r-cran-irkernel also registers the `ir` kernelspec in /usr/share/jupyter/kernels.
    # About 30 packages, 65 MB installed; ~11 s once the package lists are there.
    if ! command -v R >/dev/null || [ ! -f /usr/share/jupyter/kernels/ir/kernel.json ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            r-base-core r-cran-irkernel >/dev/null
    fi
}

run_lint() {
    ruff check python_pkg tests benchmarks scripts conftest.py &&
        ruff format --check python_pkg tests benchmarks scripts conftest.py &&
        jlpm lint:check
}

run_pytest() {
    # Exit code 5 (nothing collected) is a failure like any other non-zero code.
    python -m pytest -vv -r ap --junitxml="$out/pytest.xml"
}

run_jest() {
    JEST_JUNIT_OUTPUT_DIR="$out" JEST_JUNIT_OUTPUT_NAME=jest.xml jlpm test --ci
}

run_galata() {  # run_galata NAME SCRIPT RESULTS-DIR : one Playwright project of ui-tests/
    local name=$1 script=$2 results=$3 status=0
    (
        cd ui-tests
        jlpm install
        PLAYWRIGHT_JUNIT_OUTPUT_NAME="$out/$name.xml" jlpm "$script" --reporter=list,junit
    ) || status=$?
    # Screenshots and traces are kept as artifacts whether the run passed or not.
    if [ -d "ui-tests/$results" ]; then
        cp -r "ui-tests/$results" "$out/$name-artifacts"
    fi
    return "$status"
}

run_galata_hub() {  # the smoke test through a real JupyterHub (ui-tests/playwright-hub.config.js)
    local status=0
    (
        cd ui-tests
        PLAYWRIGHT_JUNIT_OUTPUT_NAME="$out/ui-hub.xml" \
            jlpm playwright test -c playwright-hub.config.js --reporter=list,junit
    ) || status=$?
    if [ -d ui-tests/test-results-hub ]; then
        cp -r ui-tests/test-results-hub "$out/ui-hub-artifacts"
    fi
    return "$status"
}

step "chromium" install_chromium
step "sshfs" install_sshfs
step "r kernel" install_r
step "setup" scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate
# Build what users get: the production bundle (the dev symlink now serves it too).
step "production build" jlpm build:prod

suite "lint" run_lint
suite "pytest" run_pytest
suite "pybis upstream" python tests/pybis_upstream/run.py --out "$out"
suite "jest" run_jest
suite "packaging" scripts/check-wheel.sh "$out/packaging.xml"
suite "galata" run_galata ui-tests test test-results
suite "galata notebook 7" run_galata ui-notebook7 test:notebook test-results-notebook
suite "galata hub" run_galata_hub

echo
echo "::: timings"
printf '  %s\n' "${timings[@]}"
summary_status=0
python scripts/junit_summary.py "$out"/pytest.xml "$out"/pybis-upstream-3.6.xml \
    "$out"/pybis-upstream-3.7.xml "$out"/jest.xml "$out"/packaging.xml \
    "$out"/ui-tests.xml "$out"/ui-notebook7.xml "$out"/ui-hub.xml || summary_status=$?
if [ "${#failed_suites[@]}" -gt 0 ]; then
    echo "failed suites: ${failed_suites[*]}" >&2
    exit 1
fi
exit "$summary_status"
