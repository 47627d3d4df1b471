#!/usr/bin/env bash
# .ci/docker.sh — a private, throw-away Docker engine for the compose
# end-to-end test (deploy/compose_test.go).
#
# Two ways to use it:
#
#   bash .ci/docker.sh -- go test -run TestCompose ./deploy/
#       installs docker.io and docker-compose if missing, starts dockerd,
#       runs the command with DOCKER_HOST exported, then stops dockerd
#       whatever happened, and exits with the command's status.
#
#   source .ci/docker.sh; docker_start; ...; docker_stop
#       the same steps as functions, for a .ci/run that wants to keep the
#       engine across several commands. docker_start does NOT install a trap
#       (it would replace the caller's); put docker_stop in yours.
#
# The engine runs with --iptables=false --ip-forward=false --bridge=none so it
# leaves the host's firewall and routing alone. Compose still creates its own
# bridge network for the project, and published ports go through
# docker-proxy. Everything (data root, exec root, socket, pid file, log) lives
# under one temporary directory that docker_stop removes. Nothing is pulled
# from a registry: CI builds images FROM scratch only (deploy/compose.ci.yml).

DOCKER_CI_WAIT_SECONDS=${DOCKER_CI_WAIT_SECONDS:-60}

docker_install() {
	local need=()
	command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
	command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
	((${#need[@]} == 0)) && return 0
	echo "docker.sh: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
}

docker_start() {
	docker_install || { echo "docker.sh: install failed" >&2; return 1; }
	DOCKER_CI_DIR=$(mktemp -d /tmp/newsbrief-docker.XXXXXX)
	export DOCKER_CI_DIR
	mkdir -p "$DOCKER_CI_DIR"/{data,exec,config}
	export DOCKER_HOST="unix://$DOCKER_CI_DIR/docker.sock"
	# A private client config: no credential helpers or contexts from the host.
	export DOCKER_CONFIG="$DOCKER_CI_DIR/config"
	dockerd \
		--iptables=false --ip-forward=false --bridge=none \
		--data-root "$DOCKER_CI_DIR/data" \
		--exec-root "$DOCKER_CI_DIR/exec" \
		--pidfile "$DOCKER_CI_DIR/dockerd.pid" \
		-H "$DOCKER_HOST" \
		>"$DOCKER_CI_DIR/dockerd.log" 2>&1 &
	DOCKER_CI_PID=$!
	export DOCKER_CI_PID
	local deadline=$((SECONDS + DOCKER_CI_WAIT_SECONDS))
	until docker info >/dev/null 2>&1; do
		if ! kill -0 "$DOCKER_CI_PID" 2>/dev/null || ((SECONDS >= deadline)); then
			echo "docker.sh: dockerd did not come up; last log lines:" >&2
			tail -n 20 "$DOCKER_CI_DIR/dockerd.log" >&2
			docker_stop
			return 1
		fi
		sleep 0.5
	done
	echo "docker.sh: dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null) up (pid $DOCKER_CI_PID, DOCKER_HOST=$DOCKER_HOST)" >&2
}

docker_stop() {
	[[ -n ${DOCKER_CI_PID:-} ]] || return 0
	if kill -0 "$DOCKER_CI_PID" 2>/dev/null; then
		# Containers first, so their shims do not outlive the daemon.
		local ids
		ids=$(docker ps -q 2>/dev/null) && [[ -n $ids ]] && docker kill $ids >/dev/null 2>&1
		kill -TERM "$DOCKER_CI_PID" 2>/dev/null
		local i
		for ((i = 0; i < 40; i++)); do
			kill -0 "$DOCKER_CI_PID" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$DOCKER_CI_PID" 2>/dev/null
		wait "$DOCKER_CI_PID" 2>/dev/null
	fi
	echo "docker.sh: dockerd (pid $DOCKER_CI_PID) stopped" >&2
	# The daemon unmounts its overlays and network namespaces on a clean
	# stop; after a KILL some stay mounted under the temp dir. Unmount what
	# is left (deepest first), then remove the directory.
	if [[ -n ${DOCKER_CI_DIR:-} && -d $DOCKER_CI_DIR ]]; then
		awk -v d="$DOCKER_CI_DIR" 'index($2, d) == 1 {print $2}' /proc/self/mounts |
			sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
		rm -rf "$DOCKER_CI_DIR" 2>/dev/null ||
			echo "docker.sh: could not remove $DOCKER_CI_DIR entirely" >&2
	fi
	unset DOCKER_CI_PID DOCKER_CI_DIR
}

# Executed (not sourced): run the command after "--" against the engine.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -u
	[[ ${1:-} == -- ]] && shift
	if (($# == 0)); then
		echo "usage: bash .ci/docker.sh -- command [args...]" >&2
		exit 2
	fi
	trap docker_stop EXIT
	trap 'exit 130' INT TERM
	docker_start || exit 1
	"$@"
	exit $?
fi
