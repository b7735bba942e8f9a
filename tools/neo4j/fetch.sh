#!/usr/bin/env bash
# Resolve a real Neo4j 5.26 server (test harness) and the open Graph Data Science library from
# Maven Central into tools/neo4j/lib/ (class path) and tools/neo4j/plugins/ (procedure jars).
# Both folders are build products (git-ignored). Maven caches the downloads in ~/.m2, so a
# second run is offline and takes seconds; it does nothing when the jars match pom.xml.
#
#   bash tools/neo4j/fetch.sh            # Neo4j + GDS
#   bash tools/neo4j/fetch.sh --force    # resolve again even if up to date
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lib="$here/lib"
plugins="$here/plugins"
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) echo "usage: fetch.sh [--force]" >&2; exit 2 ;;
  esac
done
command -v java >/dev/null || { echo "error: java (17) not found" >&2; exit 1; }
command -v mvn >/dev/null || { echo "error: mvn (Maven 3.8+) not found" >&2; exit 1; }

stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
if [ "$force" -eq 0 ] && [ -f "$lib/.fetched" ] && [ "$(cat "$lib/.fetched")" = "$stamp" ]; then
  echo "tools/neo4j: jars up to date ($(ls "$lib"/*.jar | wc -l) in lib/, $(ls "$plugins"/*.jar | wc -l) in plugins/)"
  exit 0
fi

t0=$(date +%s)
rm -rf "$lib" "$plugins"
mkdir -p "$lib" "$plugins"
mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$lib"
# The GDS procedures are discovered by scanning the plugin folder.
mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DincludeGroupIds=org.neo4j.gds -DoutputDirectory="$plugins"
echo "$stamp" > "$lib/.fetched"
echo "tools/neo4j: $(ls "$lib"/*.jar | wc -l) jars in lib/ ($(du -sh "$lib" | cut -f1)), $(ls "$plugins"/*.jar | wc -l) in plugins/ ($(du -sh "$plugins" | cut -f1)), $(( $(date +%s) - t0 )) s"
