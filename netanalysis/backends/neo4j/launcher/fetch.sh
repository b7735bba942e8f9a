#!/usr/bin/env bash
# Resolve a real Neo4j 5.26 server (test harness) and the open Graph Data Science library from
# Maven Central into DEST/lib/ (class path) and DEST/plugins/ (procedure jars), from the
# pom.xml beside this script (it ships inside the netanalysis package). DEST is --dest, else
# $NETANALYSIS_NEO4J_JARS, else ~/.cache/netanalysis/neo4j; a source checkout's wrapper
# tools/neo4j/fetch.sh passes --dest tools/neo4j (git-ignored lib/ and plugins/). Maven caches
# the downloads in ~/.m2, so a second run is offline and takes seconds; it does nothing when
# the jars match pom.xml.
#
#   bash fetch.sh                      # Neo4j + GDS into the default folder
#   bash fetch.sh --dest DIR --force   # resolve again even if up to date
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${NETANALYSIS_NEO4J_JARS:-${XDG_CACHE_HOME:-$HOME/.cache}/netanalysis/neo4j}"
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --dest) [ $# -ge 2 ] || { echo "usage: fetch.sh [--dest DIR] [--force]" >&2; exit 2; }
            dest="$2"; shift ;;
    *) echo "usage: fetch.sh [--dest DIR] [--force]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
lib="$dest/lib"
plugins="$dest/plugins"
command -v java >/dev/null || { echo "error: java (17) not found" >&2; exit 1; }
command -v mvn >/dev/null || { echo "error: mvn (Maven 3.8+) not found" >&2; exit 1; }

stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
if [ "$force" -eq 0 ] && [ -f "$lib/.fetched" ] && [ "$(cat "$lib/.fetched")" = "$stamp" ]; then
  echo "$dest: jars up to date ($(ls "$lib"/*.jar | wc -l) in lib/, $(ls "$plugins"/*.jar | wc -l) in plugins/)"
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
echo "$dest: $(ls "$lib"/*.jar | wc -l) jars in lib/ ($(du -sh "$lib" | cut -f1)), $(ls "$plugins"/*.jar | wc -l) in plugins/ ($(du -sh "$plugins" | cut -f1)), $(( $(date +%s) - t0 )) s"
