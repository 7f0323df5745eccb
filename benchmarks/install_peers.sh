#!/usr/bin/env bash
# Install the peer tools of the benchmark (ScanITD, km) next to, but apart from, the product env.
#
#   sudo bash benchmarks/install_peers.sh        # idempotent; re-running only checks
#
# * Debian packages: jellyfish (k-mer counter km reads), time (GNU time: wall clock and peak RSS).
# * A separate venv .venv-peers at the repository root with the exact pins of
#   benchmarks/requirements-peers.txt (scanitd, km-walk and everything they pull in), so peers'
#   dependencies never leak into .venv. Registries: Debian and PyPI only.
# Override the venv folder with PEERS_VENV=/path, the interpreter with PEERS_PYTHON=python3.x.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="${PEERS_VENV:-$repo/.venv-peers}"
python="${PEERS_PYTHON:-python3}"
requirements="$here/requirements-peers.txt"

need_apt=()
command -v jellyfish >/dev/null 2>&1 || need_apt+=(jellyfish)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ "${#need_apt[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install_peers: need root to apt-get install ${need_apt[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
# --no-deps: the requirements file pins the whole closure; pip check below proves it is complete.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
"$venv/bin/python" -m pip check --disable-pip-version-check

echo "install_peers: jellyfish $(jellyfish --version | awk '{print $2}'), GNU time at /usr/bin/time"
echo "install_peers: scanitd $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("scanitd"))'), km-walk $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("km-walk"))') in $venv"
