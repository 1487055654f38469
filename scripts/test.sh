#!/usr/bin/env bash
# `npm test`: the whole test suite, on a fresh clone or an installed checkout alike.
#   1. kernel-setup/setup.sh: installs what is missing (Jupyter included), builds, registers the kernel;
#   2. compiles src/ and tests/ (strict TypeScript);
#   3. the static notebook lint;
#   4. node's test runner over every test file: unit tests of src/, the headless runner's tests,
#      and every chapter executed with quick=true (its in-notebook checks must pass).
# Extra arguments are passed to `node --test` (e.g. --test-name-pattern=linalg).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$(date +%s)
bash kernel-setup/setup.sh
# The browser test needs Debian's Chromium (never a browser downloaded by a test tool). Install it
# when we can; without it that one test is skipped with a note. GENLAB_NO_BROWSER=1 skips the install.
if [ -z "${GENLAB_NO_BROWSER:-}" ] && ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  echo "test: installing Debian's chromium for the browser test (about 40 s) ..."
  (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
    || echo "test: could not install chromium; the browser test will be skipped"
fi
# The sweep's hub test needs Debian's jupyterhub (configurable-http-proxy comes from npm); install it
# when we can, else that test is skipped with a note. GENLAB_NO_HUB=1 skips the install.
if [ -z "${GENLAB_NO_HUB:-}" ]; then bash kernel-setup/hub/install.sh || echo "test: the JupyterHub test will be skipped"; fi
echo "test: compiling src/, tools/ and tests/ ..."
node scripts/build.js
# a fresh test build: compiled copies of deleted tests or modules must not run
rm -rf build/ts
node node_modules/typescript/bin/tsc -p tsconfig.tests.json
echo "test: linting notebooks ..."
node dist/tools/cli/lint.js
mapfile -t files < <(find build/ts/tests -name '*.test.js' | sort)
echo "test: running ${#files[@]} test files ..."
node --test --test-concurrency=2 "$@" "${files[@]}"
echo "test: finished in $(( $(date +%s) - start )) s"
