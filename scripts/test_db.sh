#!/usr/bin/env bash
# Starts a throwaway PostgreSQL/PostGIS cluster for the database tests, in a temporary folder, listening on a
# unix socket and, for the TLS tests, on 127.0.0.1 at a free port with ssl=on and a certificate for localhost
# and 127.0.0.1 from a throwaway CA (both made with openssl). Sourced by scripts/test.sh: sets
# BORDERPLAN_TEST_DB (unix socket), BORDERPLAN_TEST_DB_TLS (TCP, sslmode=require), BORDERPLAN_TEST_DB_CERT (the
# CA certificate, for sslrootcert=) and a trap that stops the cluster and removes the folder. Prints why and leaves
# the variables unset when the cluster cannot start (the database tests then skip with a line that says so);
# without openssl the cluster starts on the unix socket only and only the TLS tests skip.
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
# A free TCP port on 127.0.0.1 (asked from the kernel), a throwaway CA (ca.crt, for the clients' sslrootcert=)
# and a server certificate it signed for localhost and 127.0.0.1.
BP_PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || true)
BP_PG_TLS_OPTS=""
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' \
  >"$BP_PG_DIR/server.ext"
if [[ -n "$BP_PG_PORT" ]] && command -v openssl >/dev/null 2>&1 &&
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=borderplan test CA" \
    -keyout "$BP_PG_DIR/ca.key" -out "$BP_PG_DIR/ca.crt" >"$BP_PG_DIR/openssl.log" 2>&1 &&
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$BP_PG_DIR/server.key" -out "$BP_PG_DIR/server.csr" >>"$BP_PG_DIR/openssl.log" 2>&1 &&
  openssl x509 -req -in "$BP_PG_DIR/server.csr" -CA "$BP_PG_DIR/ca.crt" -CAkey "$BP_PG_DIR/ca.key" \
    -CAcreateserial -days 2 -extfile "$BP_PG_DIR/server.ext" -out "$BP_PG_DIR/server.crt" \
    >>"$BP_PG_DIR/openssl.log" 2>&1; then
  chmod 600 "$BP_PG_DIR/server.key"
  chmod 644 "$BP_PG_DIR/server.crt" "$BP_PG_DIR/ca.crt"
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$BP_PG_DIR/server.key" "$BP_PG_DIR/server.crt"; fi
  BP_PG_TLS_OPTS="-c listen_addresses=127.0.0.1 -p $BP_PG_PORT -c ssl=on -c ssl_cert_file=$BP_PG_DIR/server.crt -c ssl_key_file=$BP_PG_DIR/server.key"
else
  echo "No free port or no openssl: the TLS database tests will be skipped" >&2
  BP_PG_PORT=""
  BP_PG_TLS_OPTS="-c listen_addresses=''"
fi
if "${AS_PG[@]}" "'$PG_BIN/initdb' -D '$BP_PG_DIR/data' --auth=trust -U postgres >'$BP_PG_DIR/initdb.log' 2>&1" &&
  "${AS_PG[@]}" "'$PG_BIN/pg_ctl' -D '$BP_PG_DIR/data' -w -l '$BP_PG_DIR/server.log' \
     -o \"$BP_PG_TLS_OPTS -k '$BP_PG_DIR'\" start >/dev/null" &&
  "${AS_PG[@]}" "'$PG_BIN/createdb' -h '$BP_PG_DIR' ${BP_PG_PORT:+-p $BP_PG_PORT} -U postgres borderplan_test"; then
  export BORDERPLAN_TEST_DB="host=$BP_PG_DIR ${BP_PG_PORT:+port=$BP_PG_PORT }user=postgres dbname=borderplan_test"
  echo "Test database: $BORDERPLAN_TEST_DB"
  if [[ "$BP_PG_TLS_OPTS" == *ssl=on* ]]; then
    export BORDERPLAN_TEST_DB_TLS="postgresql://postgres@127.0.0.1:$BP_PG_PORT/borderplan_test?sslmode=require"
    export BORDERPLAN_TEST_DB_CERT="$BP_PG_DIR/ca.crt"
    echo "Test database over TLS: $BORDERPLAN_TEST_DB_TLS (certificate $BORDERPLAN_TEST_DB_CERT)"
  fi
else
  echo "The throwaway PostgreSQL cluster did not start (see $BP_PG_DIR/*.log): the database tests will be skipped" >&2
  cat "$BP_PG_DIR"/*.log >&2 2>/dev/null || true
fi
