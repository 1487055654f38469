#!/usr/bin/env bash
# One command that makes the lab ready on this machine (idempotent; a few seconds on the second run):
#   1. checks Node.js (>= 20);
#   2. finds a Jupyter server, or installs one: pip into a project-local venv (.venv) where PyPI is
#      reachable, else Debian's packages (apt) where we are root or have sudo; an existing Jupyter is
#      reused;
#   3. on Debian/Ubuntu, installs OpenBLAS/LAPACKE headers for the fast float64 linear algebra
#      (optional: the lab falls back to pure JS without them);
#   4. installs the npm packages (which also links the library, builds the addon and compiles src/);
#   5. registers the project-local tslab kernelspec and records the chosen Jupyter;
#   6. in a git checkout, installs the clean filter that strips notebook outputs on git add.
# Options (env): GENLAB_PYTHON=/path/python to force a Python with Jupyter; GENLAB_NO_INSTALL=1 to
# install nothing system-wide (only report what is missing); GENLAB_USER_KERNEL=1 to also register
# the kernel with the user's own Jupyter.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. Node.js ---------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js is not installed. Install Node.js 20 or newer (https://nodejs.org, or 'nvm install 20'), then rerun."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node -v) is too old; the lab needs Node.js 20 or newer."

sudo_cmd=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo_cmd="sudo"; fi
can_apt() { command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo_cmd" ]; }; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $sudo_cmd apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- 2. Jupyter ---------------------------------------------------------------------------------
has_server() { "$1" -c 'import jupyter_server' >/dev/null 2>&1; }
ui_of() {
  if "$1" -c 'import jupyterlab' >/dev/null 2>&1; then echo lab
  elif "$1" -c 'import nbclassic' >/dev/null 2>&1; then echo nbclassic
  elif "$1" -c 'import notebook' >/dev/null 2>&1; then echo notebook
  else echo none; fi
}
find_python() {
  local c
  local candidates=()
  [ -n "${GENLAB_PYTHON:-}" ] && candidates+=("$GENLAB_PYTHON")
  candidates+=("$root/.venv/bin/python")
  if command -v jupyter >/dev/null; then
    # An existing Jupyter: use the interpreter its launcher runs with.
    c=$(head -1 "$(command -v jupyter)" | sed -n 's/^#!\s*//p' | awk '{print $1}')
    [ -n "$c" ] && candidates+=("$c")
  fi
  candidates+=(/usr/bin/python3 "$(command -v python3 || true)")
  for c in "${candidates[@]}"; do
    [ -n "$c" ] && [ -x "$c" ] && has_server "$c" && { echo "$c"; return 0; }
  done
  return 1
}
pypi_reachable() {
  command -v python3 >/dev/null || return 1
  python3 - <<'PY' >/dev/null 2>&1
import urllib.request, sys
try:
    urllib.request.urlopen("https://pypi.org/simple/jupyterlab/", timeout=5)
except Exception:
    sys.exit(1)
PY
}

source_kind="existing"
if python=$(find_python); then
  case "$python" in "$root/.venv/"*) source_kind="venv" ;; /usr/bin/python3) dpkg -S "$(/usr/bin/python3 -c 'import jupyter_server,sys; print(jupyter_server.__file__)')" >/dev/null 2>&1 && source_kind="debian" ;; esac
  say "Jupyter: using the Jupyter server of $python ($source_kind)"
elif [ -n "${GENLAB_NO_INSTALL:-}" ]; then
  die "no Jupyter server found and GENLAB_NO_INSTALL is set. Install one: 'pip install jupyterlab' or 'apt-get install python3-jupyter-server python3-nbclassic python3-ipykernel jupyter-nbconvert'."
elif pypi_reachable; then
  say "Jupyter: none found; installing JupyterLab from PyPI into $root/.venv ..."
  python3 -m venv "$root/.venv" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)."
  "$root/.venv/bin/python" -m pip install -q --upgrade pip
  "$root/.venv/bin/python" -m pip install -q jupyterlab
  python="$root/.venv/bin/python"; source_kind="venv"
elif can_apt; then
  say "Jupyter: none found and PyPI is unreachable; installing Debian's Jupyter packages (about 30 s) ..."
  apt_install python3-jupyter-server python3-nbclassic python3-notebook python3-ipykernel jupyter-nbconvert python3-nbclient
  python=/usr/bin/python3; source_kind="debian"
  has_server "$python" || die "Debian's packages installed, but /usr/bin/python3 still cannot import jupyter_server."
else
  die "no Jupyter server found, PyPI is unreachable and apt-get is not usable (need root or passwordless sudo). Install Jupyter yourself ('pip install jupyterlab' or 'brew install jupyterlab'), or point GENLAB_PYTHON at a Python that has it."
fi
# A Python kernel too: readers run their own Python notebooks through the runner (`npm run nb`,
# with -p injected in Python as papermill does), and its tests do.
if ! "$python" -c 'import ipykernel' >/dev/null 2>&1 && [ -z "${GENLAB_NO_INSTALL:-}" ]; then
  if [ "$source_kind" = debian ] && can_apt; then
    say "Jupyter: installing Debian's Python kernel (python3-ipykernel) ..."
    apt_install python3-ipykernel || say "Jupyter: could not install python3-ipykernel; Python notebooks will not run."
  elif [ "$source_kind" = venv ]; then
    "$python" -m pip install -q ipykernel || say "Jupyter: could not install ipykernel; Python notebooks will not run."
  fi
fi
ui=$(ui_of "$python")
server_version=$("$python" -c 'import jupyter_server; print(jupyter_server.__version__)')

# --- 3. BLAS/LAPACK for the native linear algebra (optional) -------------------------------------
if [ "$(uname -s)" = Linux ] && [ -z "${GENLAB_NO_INSTALL:-}" ] && can_apt && ! dpkg -s libopenblas-dev liblapacke-dev >/dev/null 2>&1; then
  say "linear algebra: installing OpenBLAS and LAPACKE (libopenblas-dev liblapacke-dev) ..."
  apt_install libopenblas-dev liblapacke-dev || say "linear algebra: could not install OpenBLAS; the pure-JS fallback will be used."
fi

# --- 4. npm packages (postinstall links the library, builds the addon, compiles src/) ------------
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ]; then
  say "npm: installing packages (about 30 s) ..."
  npm ci --no-audit --no-fund --loglevel=error
elif [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "npm: package.json changed; updating packages ..."
  npm install --no-audit --no-fund --loglevel=error
else
  node scripts/postinstall.js
fi

# --- 5. kernel ----------------------------------------------------------------------------------
node kernel-setup/register.js --python "$python" --source "$source_kind" --ui "$ui" --server-version "$server_version" \
  ${GENLAB_USER_KERNEL:+--user}
# --- 6. git clean filter for notebooks (nothing without git) -------------------------------------
bash kernel-setup/git-filter.sh

say "ready: Jupyter server $server_version ($ui UI) from $python; kernel 'tslab' in .jupyter-local/share/jupyter"
