#!/usr/bin/env sh
# Starts `itdr serve` (the distribution, bin/itdr) on a fresh H2 database with the AWS connector taking
# pushes only (its endpoints point at a closed port; nothing is polled), runs push_load.py against it,
# and stops it. Usage: benchmarks/ingest/run.sh [pushes] [records] ; ITDR_JAVA_OPTS sets the heap (default -Xmx1g).
set -eu
pushes=${1:-4}
records=${2:-2000000}
set --
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
port=${ITDR_LOAD_PORT:-18480}
token=itdr_pushload-admin-0123456789abcdefghijklmn
# ITDR_JAR and ITDR_PLUGINS run a copied server jar and plugin folder instead of the distribution
if [ -n "${ITDR_JAR:-}" ]; then
  set -- java ${ITDR_JAVA_OPTS:--Xmx1g} -jar "$ITDR_JAR" serve --plugins "${ITDR_PLUGINS:?set ITDR_PLUGINS with ITDR_JAR}" "$@"
else
  export ITDR_JAVA_OPTS=${ITDR_JAVA_OPTS:--Xmx1g}
  set -- "$root/bin/itdr" serve "$@"
fi
"$@" --port "$port" --db-url "jdbc:h2:file:$work/itdr;WRITE_DELAY=0" \
  --itdr.security.bootstrap-admin-token=$token \
  --itdr.connectors.aws.enabled=true --itdr.connectors.aws.config.region=us-east-1 \
  --itdr.connectors.aws.config.access-key-id=AKIDPUSHLOADEXAMPLE1 --itdr.connectors.aws.config.secret-access-key=not-used \
  --itdr.connectors.aws.endpoints.iam=http://127.0.0.1:9 --itdr.connectors.aws.endpoints.sts=http://127.0.0.1:9 \
  --itdr.connectors.aws.endpoints.cloudtrail=http://127.0.0.1:9 --itdr.connectors.aws.poll-interval=24h \
  --itdr.ingest.max-payload=64MB --itdr.endpoints.allow-loopback=true > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; [ -z "${SERVER_LOG:-}" ] || cp "$work/server.log" "$SERVER_LOG"; rm -rf "$work"' EXIT
i=0
# any answer will do: health is 503 DOWN here, the connector's platform being unreachable on purpose
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/actuator/health" 2>/dev/null || true)" != 000 ]; do
  i=$((i + 1)); [ $i -lt 240 ] || { echo "the server did not start; log:" >&2; tail -50 "$work/server.log" >&2; exit 1; }
  kill -0 $server 2>/dev/null || { echo "the server ended; log:" >&2; tail -50 "$work/server.log" >&2; exit 1; }
  sleep 1
done
python3 "$root/benchmarks/ingest/push_load.py" "http://localhost:$port" "$token" "$pushes" "$records"
echo "OutOfMemoryError lines in the server log: $(grep -c OutOfMemoryError "$work/server.log" || true)"
