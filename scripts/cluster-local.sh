#!/usr/bin/env bash
# The docker-compose topology as local processes: a throwaway PostgreSQL, two silos that find each other through the
# ADO.NET membership table (Exchange:Clustering=AdoNet) on different ports, and the gateway, which finds the silos the
# same way. Checks /health/ready, places a signed order, kills one silo outright and shows that the gateway still
# serves (the market grains move to the surviving silo and recover from the journal). It behaves as a client should:
# scripts/place-order.sh asks again after a 503 with the same transfer id and client order id.
#
#   scripts/cluster-local.sh            # builds Release first; everything is stopped and deleted at the end
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
work="$(mktemp -d /tmp/exchange-cluster.XXXXXX)"
chmod 755 "$work"
gw_port=5190 silo_ports=(11311 11312) gateway_ports=(30301 30302) pg_port=55433
token="cluster-local-admin-token"
pids=()

source "$repo/scripts/lib/processes.sh"

cleanup() {
    local status=$?
    if [[ $status -ne 0 ]]; then
        for log in "$work"/*.log; do echo "--- end of $log" >&2; tail -n 25 "$log" >&2; done
    fi
    stop_processes
}
trap cleanup EXIT

echo "== build"
dotnet build Silo/Silo.csproj -c Release -v quiet -nologo >/dev/null
dotnet build Client/Client.csproj -c Release -v quiet -nologo >/dev/null

echo "== PostgreSQL on port $pg_port ($work/pg)"
start_postgres "$pg_port"
db="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=exchange"

export ConnectionStrings__Exchange="$db" Exchange__Clustering=AdoNet Orleans__ClusterId=local-cluster Orleans__ServiceId=exchange
start_silo() {  # INDEX
    Orleans__SiloPort="${silo_ports[$1]}" Orleans__GatewayPort="${gateway_ports[$1]}" Orleans__AdvertisedAddress=127.0.0.1 \
        dotnet Silo/bin/Release/net10.0/Exchange.Silo.dll >"$work/silo$1.log" 2>&1 &
    pids+=($!)
    echo "silo $1: pid $!, silo port ${silo_ports[$1]}, gateway port ${gateway_ports[$1]}"
}
echo "== two silos"
start_silo 0
start_silo 1
echo "== gateway on http://127.0.0.1:$gw_port"
Gateway__AdminToken="$token" Gateway__SecretKey="$(head -c 32 /dev/urandom | base64)" \
    dotnet Client/bin/Release/net10.0/Exchange.Client.dll --urls "http://127.0.0.1:$gw_port" >"$work/gateway.log" 2>&1 &
pids+=($!)

ready() { curl -sf "http://127.0.0.1:$gw_port/health/ready" | grep -q '"status":"Healthy"'; }
two_active() { [[ "$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d exchange -tAc \
    "select count(*) from OrleansMembershipTable where DeploymentId = 'local-cluster' and Status = 3")" == 2 ]]; }
wait_for 120 "both silos active in the membership table" two_active
wait_for 120 "the gateway to be ready" ready

echo "== membership"
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d exchange -c \
    "select Address, Port, ProxyPort, Status, SiloName from OrleansMembershipTable where DeploymentId = 'local-cluster' order by Port"
echo "== /health/ready"; curl -s "http://127.0.0.1:$gw_port/health/ready"; echo
echo "== a signed order through the gateway"
scripts/place-order.sh "$token" "http://127.0.0.1:$gw_port" BTC-PERP buy 64000 0.01 | sed -n '1,5p'

echo "== kill -9 silo 0 (pid ${pids[0]})"
kill -9 "${pids[0]}"
order_ok() {  # the whole answer first: grep -q closing the pipe early would fail the pipeline under pipefail
    local out; out="$(scripts/place-order.sh "$token" "http://127.0.0.1:$gw_port" BTC-PERP sell 66000 0.01 2>/dev/null)"
    grep -q '"status":"new"' <<<"$out"
}
started=$SECONDS
wait_for 180 "an order to succeed with one silo left" order_ok
echo "a new account, its deposit and an order succeeded $((SECONDS - started)) s after the kill (the client asked again after each 503)"
scripts/place-order.sh "$token" "http://127.0.0.1:$gw_port" ETH-PERP buy 3000 0.1 | sed -n '1,5p'
wait_for 120 "the gateway to be ready" ready
echo "== /health/ready"; curl -s "http://127.0.0.1:$gw_port/health/ready"; echo
echo "== membership after the kill"
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d exchange -c \
    "select Address, Port, Status from OrleansMembershipTable where DeploymentId = 'local-cluster' order by Port"
echo "OK: the gateway serves with one of two silos killed"
