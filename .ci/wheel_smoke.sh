#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv (no checkout on sys.path) and run a smoke
# test from it: the README's main command on the example case, the Cypher loader (every
# block), and the shipped Neo4j launcher. The editable install stays the development path;
# this catches what an editable install hides (files outside the package, package-data).
#
#   bash .ci/wheel_smoke.sh [PYTHON]     # PYTHON builds the wheel (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
py="${1:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/netanalysis-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
"$py" -m pip wheel -q --no-deps . -w "$work/dist"
wheel="$(ls "$work"/dist/netanalysis-*.whl)"
echo "wheel: $(basename "$wheel") ($(( $(date +%s) - t0 )) s)"
"$py" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$wheel"
echo "installed in a fresh virtualenv ($(( $(date +%s) - t0 )) s)"
cd "$work"          # away from the checkout: only the installed package can be imported
export PYTHONPATH=  # and no inherited path to the checkout
"$work/venv/bin/python" - <<'PY'
import netanalysis, sys
from pathlib import Path
from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.server import LAUNCHER_DIR
where = Path(netanalysis.__file__).resolve()
assert "site-packages" in where.parts, f"netanalysis imported from {where}, not the wheel"
blocks = queries.load_blocks()
assert len(blocks) >= 10, sorted(blocks)
for name in ("load_person", "count_nodes"):
    assert name in blocks, name
for name in ("pom.xml", "fetch.sh", "Launcher.java"):
    assert (LAUNCHER_DIR / name).is_file(), name
print(f"cypher loader: {len(blocks)} blocks from {queries.CYPHER_DIR}; launcher in {LAUNCHER_DIR}")
PY
"$work/venv/bin/netanalysis" analyze "$root/examples/case" --out "$work/out" -q
for f in targets.csv groups.csv merges.csv rejects.csv summary.json network.html report.html; do
  [ -s "$work/out/$f" ] || { echo "error: the installed wheel did not write $f" >&2; exit 1; }
done
echo "netanalysis analyze examples/case from the wheel: $(ls "$work/out" | wc -l) outputs ($(( $(date +%s) - t0 )) s)"
