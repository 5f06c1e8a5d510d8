#!/usr/bin/env bash
# Backup and restore check: dump a PostgreSQL database with pg_dump -Fc, restore the dump into a
# fresh database with pg_restore, and compare the two table by table (exact row counts of every
# table, and the value of every sequence). Exit status 0 when they match, 1 on any difference,
# 2 on a usage or tool error. The scratch database is dropped afterwards; the dump is kept only
# with --keep DIR.
#
#   scripts/backup_restore_check.sh [DATABASE_URL] [--keep DIR]
#
# DATABASE_URL defaults to the environment's DATABASE_URL (postgres://user[:password]@host:port/name).
# The role needs CREATEDB (the scratch database is NAME_restore_check_PID on the same server).
# This is the documented backup procedure (docs/operations.md) run end to end: the same two
# commands back up and restore production.
set -euo pipefail

url=""
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep="${2:?--keep needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) url="$1"; shift ;;
  esac
done
url="${url:-${DATABASE_URL:-}}"
case "$url" in
  postgres://*|postgresql://*) ;;
  *) echo "backup check: a PostgreSQL DATABASE_URL is required (got '${url:-nothing}')" >&2; exit 2 ;;
esac

# pg_dump must be at least the server's version: prefer the newest installed PostgreSQL binaries.
bindir=""
newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$newest" ] && [ -x "$newest/pg_dump" ]; then bindir="$newest/"; fi
for tool in pg_dump pg_restore psql; do
  if ! command -v "${bindir}${tool}" >/dev/null; then
    echo "backup check: ${tool} not found (apt-get install postgresql-client)" >&2; exit 2
  fi
done

base="${url%%\?*}"                       # without ?options
options=""; [ "$base" != "$url" ] && options="?${url#*\?}"
name="${base##*/}"
server="${base%/*}"
scratch="${name}_restore_check_$$"
scratch_url="${server}/${scratch}${options}"
work=$(mktemp -d /tmp/tumorboard-backup.XXXXXX)
dump="$work/${name}.dump"

psql_q() { "${bindir}psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
cleanup() {
  psql_q "$url" -c "DROP DATABASE IF EXISTS \"${scratch}\" WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$keep" ] && [ -f "$dump" ]; then mkdir -p "$keep" && mv "$dump" "$keep/"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Exact row counts of every table (one query) and the last value of every sequence.
inventory() {
  psql_q "$1" <<'SQL'
SELECT 'table ' || table_schema || '.' || table_name || ' ' ||
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
                                            false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1;
SELECT 'sequence ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'unused')
FROM pg_sequences
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1;
SQL
}

started=$(date +%s)
echo "backup check: database ${name}"
"${bindir}pg_dump" --format=custom --no-owner --file="$dump" "$url"
echo "  dumped: $(du -h "$dump" | cut -f1) in ${dump##*/}"
before="$work/before.txt"; after="$work/after.txt"
inventory "$url" >"$before"

psql_q "$url" -c "CREATE DATABASE \"${scratch}\"" >/dev/null
"${bindir}pg_restore" --no-owner --exit-on-error --dbname="$scratch_url" "$dump"
echo "  restored into ${scratch}"
inventory "$scratch_url" >"$after"

tables=$(grep -c '^table ' "$before" || true)
rows=$(awk '$1 == "table" {sum += $3} END {print sum + 0}' "$before")
if diff -u "$before" "$after" >"$work/diff.txt"; then
  echo "  identical: ${tables} tables, ${rows} rows, $(grep -c '^sequence ' "$before" || true) sequences ($(($(date +%s) - started)) s)"
  echo "backup check: OK"
  exit 0
fi
echo "backup check: MISMATCH between ${name} (-) and its restored copy (+):" >&2
grep '^[-+][a-z]' "$work/diff.txt" >&2 || true
exit 1
