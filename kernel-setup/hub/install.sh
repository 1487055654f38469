#!/usr/bin/env bash
# Install what a test JupyterHub needs, when it is missing and we can: Debian's `jupyterhub`
# package (3.x; it brings jupyterhub-singleuser) via apt as root. configurable-http-proxy comes
# from npm as a devDependency (node_modules/.bin/configurable-http-proxy), so `npm install` brings it.
# Exit 0 when the hub can run afterwards, 1 with one line saying why not.
set -uo pipefail
if /usr/bin/python3 -c "import jupyterhub" 2>/dev/null && command -v jupyterhub >/dev/null; then exit 0; fi
if [ -n "${GENLAB_NO_HUB:-}" ]; then echo "hub: GENLAB_NO_HUB is set; not installing jupyterhub"; exit 1; fi
if ! command -v apt-get >/dev/null; then echo "hub: jupyterhub is not installed and apt-get is not available"; exit 1; fi
if [ "$(id -u)" -ne 0 ]; then echo "hub: jupyterhub is not installed and installing it needs root (sudo apt-get install jupyterhub)"; exit 1; fi
echo "hub: installing Debian's jupyterhub (about a minute) ..."
if ! (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyterhub >/dev/null); then
  echo "hub: apt-get install jupyterhub failed"; exit 1
fi
/usr/bin/python3 -c "import jupyterhub" || { echo "hub: jupyterhub installed but python3 cannot import it"; exit 1; }
