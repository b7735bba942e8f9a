#!/usr/bin/env bash
# Thin wrapper for a source checkout: the launcher (pom.xml, fetch.sh, Launcher.java) ships in
# the package (netanalysis/backends/neo4j/launcher/); the jars go here, into tools/neo4j/lib/
# and tools/neo4j/plugins/ (git-ignored), where the checkout's tests look for them.
#
#   bash tools/neo4j/fetch.sh            # Neo4j + GDS
#   bash tools/neo4j/fetch.sh --force    # resolve again even if up to date
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../../netanalysis/backends/neo4j/launcher/fetch.sh" --dest "$here" "$@"
