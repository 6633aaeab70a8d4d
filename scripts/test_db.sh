#!/usr/bin/env bash
# Starts a throwaway PostgreSQL/PostGIS cluster for the database tests, in a temporary folder, listening on a
# unix socket only (no TCP port). Sourced by scripts/test.sh: sets BORDERPLAN_TEST_DB and a trap that stops the
# cluster and removes the folder. Prints why and leaves BORDERPLAN_TEST_DB unset when the cluster cannot start
# (the database tests then skip with a line that says so).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$PG_BIN" ]]; then
  echo "PostgreSQL is not installed: the database tests will be skipped" >&2
  return 0 2>/dev/null || exit 0
fi
BP_PG_DIR=$(mktemp -d /tmp/borderplan-pg.XXXXXX)
chmod 755 "$BP_PG_DIR"
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$BP_PG_DIR"
  AS_PG=(su postgres -s /bin/bash -c)
else
  AS_PG=(bash -c)
fi
bp_pg_stop() {
  "${AS_PG[@]}" "'$PG_BIN/pg_ctl' -D '$BP_PG_DIR/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$BP_PG_DIR"
}
trap bp_pg_stop EXIT
if "${AS_PG[@]}" "'$PG_BIN/initdb' -D '$BP_PG_DIR/data' --auth=trust -U postgres >'$BP_PG_DIR/initdb.log' 2>&1" &&
  "${AS_PG[@]}" "'$PG_BIN/pg_ctl' -D '$BP_PG_DIR/data' -w -l '$BP_PG_DIR/server.log' \
     -o \"-c listen_addresses='' -k '$BP_PG_DIR'\" start >/dev/null" &&
  "${AS_PG[@]}" "'$PG_BIN/createdb' -h '$BP_PG_DIR' -U postgres borderplan_test"; then
  export BORDERPLAN_TEST_DB="host=$BP_PG_DIR user=postgres dbname=borderplan_test"
  echo "Test database: $BORDERPLAN_TEST_DB"
else
  echo "The throwaway PostgreSQL cluster did not start (see $BP_PG_DIR/*.log): the database tests will be skipped" >&2
  cat "$BP_PG_DIR"/*.log >&2 2>/dev/null || true
fi
