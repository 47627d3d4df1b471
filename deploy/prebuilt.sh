#!/usr/bin/env bash
# deploy/prebuilt.sh — build everything the offline images need, on the host:
#   bin/<service>       static binaries of the services (CGO_ENABLED=0)
#   bin/nats-server     the NATS server from the Go module in go.mod
#   bin/natshealth      the health probe of the scratch NATS image
#   bin/rootfs/         what a scratch image needs: CA certificates, /tmp, /data
# Then `docker compose -f docker-compose.yml -f deploy/compose.ci.yml build`
# packs them into images without pulling anything.
#
# Usage: deploy/prebuilt.sh [service...]   (default: every services/* dir
# that compose runs, plus the NATS image's binaries)
set -euo pipefail
cd "$(dirname "$0")/.."

services=("$@")
if ((${#services[@]} == 0)); then
	services=(ingest langdetect entities summarise cluster gateway)
fi

mkdir -p bin/rootfs/tmp bin/rootfs/data bin/rootfs/etc/ssl/certs
chmod 1777 bin/rootfs/tmp bin/rootfs/data # /data: the gateway's read model volume
ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
if [[ ! -s $ca ]]; then
	echo "prebuilt.sh: no CA bundle at $ca (install ca-certificates or set SSL_CERT_FILE)" >&2
	exit 1
fi
cp "$ca" bin/rootfs/etc/ssl/certs/ca-certificates.crt

export CGO_ENABLED=0
flags=(-trimpath -ldflags "-s -w")
for s in "${services[@]}"; do
	go build "${flags[@]}" -o "bin/$s" "./services/$s"
done
go build "${flags[@]}" -o bin/nats-server github.com/nats-io/nats-server/v2
go build "${flags[@]}" -o bin/natshealth ./deploy/natshealth
