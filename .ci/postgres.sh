#!/usr/bin/env bash
# .ci/postgres.sh — a private, throw-away PostgreSQL for the read model's
# tests (pkg/readmodel, pkg/gateway run the same suite against it and the
# embedded store).
#
# Two ways to use it:
#
#   bash .ci/postgres.sh -- go test ./pkg/readmodel/
#       installs Debian's postgresql if missing, starts a cluster, runs the
#       command with NEWSBRIEF_TEST_PG_URL exported, then stops the cluster
#       whatever happened, and exits with the command's status.
#
#   source .ci/postgres.sh; pg_start; ...; pg_stop
#       the same steps as functions (pg_start exports NEWSBRIEF_TEST_PG_URL;
#       it installs no trap: put pg_stop in yours).
#
# The cluster is made with initdb under a temporary directory owned by the
# postgres user (the server refuses to run as root), listens only on a Unix
# socket in that directory and on 127.0.0.1 at PG_CI_PORT, and is removed by
# pg_stop.

PG_CI_PORT=${PG_CI_PORT:-55432}
PG_CI_WAIT_SECONDS=${PG_CI_WAIT_SECONDS:-60}

pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

pg_install() {
	pg_bindir >/dev/null && return 0
	echo "postgres.sh: installing postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
}

pg_start() {
	pg_install || { echo "postgres.sh: install failed" >&2; return 1; }
	local bin
	bin=$(pg_bindir) || { echo "postgres.sh: no initdb found" >&2; return 1; }
	id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	PG_CI_DIR=$(mktemp -d /tmp/newsbrief-pg.XXXXXX)
	export PG_CI_DIR
	chown postgres "$PG_CI_DIR"
	chmod 700 "$PG_CI_DIR"
	local as=(runuser -u postgres --)
	[ "$(id -u)" != 0 ] && as=()
	"${as[@]}" "$bin/initdb" -D "$PG_CI_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_CI_DIR/initdb.log" 2>&1 ||
		{ echo "postgres.sh: initdb failed:" >&2; cat "$PG_CI_DIR/initdb.log" >&2; return 1; }
	"${as[@]}" "$bin/pg_ctl" -D "$PG_CI_DIR/data" -l "$PG_CI_DIR/server.log" -w -t "$PG_CI_WAIT_SECONDS" \
		-o "-p $PG_CI_PORT -k $PG_CI_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
		{ echo "postgres.sh: the server did not start:" >&2; cat "$PG_CI_DIR/server.log" >&2; return 1; }
	"${as[@]}" "$bin/createdb" -h "$PG_CI_DIR" -p "$PG_CI_PORT" -U postgres newsbrief_test ||
		{ echo "postgres.sh: createdb failed" >&2; return 1; }
	export NEWSBRIEF_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_CI_PORT/newsbrief_test?sslmode=disable"
	echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_CI_PORT" >&2
}

pg_stop() {
	[ -n "${PG_CI_DIR:-}" ] || return 0
	local bin as=(runuser -u postgres --)
	[ "$(id -u)" != 0 ] && as=()
	bin=$(pg_bindir) && "${as[@]}" "$bin/pg_ctl" -D "$PG_CI_DIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$PG_CI_DIR"
	unset PG_CI_DIR NEWSBRIEF_TEST_PG_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = "--" ]; then
	shift
	pg_start || exit 1
	trap 'pg_stop' EXIT
	"$@"
	exit $?
fi
