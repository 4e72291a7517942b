#!/usr/bin/env bash
# Install (if missing) and start a throw-away PostgreSQL 15 cluster for the ledger tests.
# Prints nothing on success; the caller sets TAIZHANG_DATABASE_URL to the URL below.
#   postgresql+psycopg://postgres@127.0.0.1:${PGPORT:-54329}/taizhang
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA:-/tmp/taizhang-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/postgres" ]; then
    apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null
    BIN=/usr/lib/postgresql/15/bin
fi
RUN=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
    RUN=(runuser -u postgres --)
fi
if "${RUN[@]}" "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
    exit 0
fi
rm -rf "$PGDATA"
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
"${RUN[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
"${RUN[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres taizhang
