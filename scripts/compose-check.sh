#!/usr/bin/env bash
# Runs docker-compose.yml on a real Docker engine, scaled, under signed load, through faults, and checks that nothing
# acknowledged was lost:
#   local base images if missing (scripts/docker-local-bases.sh: no registry is needed), the apps published on this
#   host and copied into the Dockerfiles' runtime stage (--target prepublished), `up --scale silo=3`, readiness, signed
#   load from four callers in two markets (every order with a client order id, every 503 asked again with the same id),
#   `docker kill` of a silo, `docker pause` of another for 20 s, PostgreSQL stopped and started, a scale to 4 silos and
#   back to 2; then every acknowledged order is looked up by its client order id and the audit must balance exactly.
#   Prints how long each fault interrupted each market. Everything is removed at the end (KEEP=1 keeps it running).
#
#   scripts/compose-check.sh        # needs docker (engine running), docker-compose 1.29 or docker compose, dotnet, jq
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
project=exchange-check port="${EXCHANGE_CHECK_PORT:-18080}" gw="http://127.0.0.1:${EXCHANGE_CHECK_PORT:-18080}"
token="compose-check-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
work="$(mktemp -d /tmp/exchange-compose-check.XXXXXX)"
callers=4 pause_for=20 database_down=20
started_at=$SECONDS

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
export POSTGRES_IMAGE=exchange-local/postgres:15 EXCHANGE_SILO_IMAGE=exchange/silo:check EXCHANGE_GATEWAY_IMAGE=exchange/gateway:check
export EXCHANGE_PORT="$port" EXCHANGE_ADMIN_TOKEN="$token" EXCHANGE_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
dc() { "${compose[@]}" -p "$project" "$@"; }
now_ms() { date +%s%3N; }
say() { printf '[%5ss] %s\n' "$((SECONDS - started_at))" "$*"; }

cleanup() {
    local status=$?
    touch "$work/stop"
    wait 2>/dev/null || true
    if [[ $status -ne 0 ]]; then
        say "FAILED; the last lines of each container:"
        dc logs --no-color --tail 15 2>&1 | tail -n 80 || true
    fi
    if [[ "${KEEP:-0}" != 1 ]]; then dc down -v --remove-orphans >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

source "$repo/scripts/lib/processes.sh"  # wait_for

say "== base images (built once, from Debian's mirror and this host's .NET runtime)"
scripts/docker-local-bases.sh | sed 's/^/   /'

say "== publish on the host, and the images' runtime stage from that output"
rm -rf .docker/publish
dotnet publish Silo/Silo.csproj -c Release -o .docker/publish/silo -v quiet -nologo >/dev/null
dotnet publish Client/Client.csproj -c Release -o .docker/publish/gateway -v quiet -nologo >/dev/null
docker build -q --target prepublished --build-arg RUNTIME_IMAGE=exchange-local/aspnet:10.0 -t "$EXCHANGE_SILO_IMAGE" -f Silo/Dockerfile . >/dev/null
docker build -q --target prepublished --build-arg RUNTIME_IMAGE=exchange-local/aspnet:10.0 -t "$EXCHANGE_GATEWAY_IMAGE" -f Client/Dockerfile . >/dev/null
docker image ls --format '   {{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'exchange/(silo|gateway):check'
say "   images built"

silos() { dc ps -q silo; }
healthy_silos() { local n=0 id; for id in $(silos); do [[ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" == healthy ]] && n=$((n + 1)); done; echo "$n"; }
exactly_healthy() { [[ "$(healthy_silos)" == "$1" && "$(silos | wc -l)" == "$1" ]]; }
# As an orchestrator does: a silo container that exited (killed, or stopped itself on learning it was declared dead) is
# started again. Docker's restart policy does not restart a container that `docker kill` ended.
restarted_and_healthy() {  # N
    local id; for id in $(silos); do [[ "$(docker inspect -f '{{.State.Running}}' "$id")" == true ]] || docker start "$id" >/dev/null; done
    exactly_healthy "$1"
}
gateway_ready() { curl -sf "$gw/health/ready" | grep -q '"status":"Healthy"'; }
membership() {
    dc exec -T postgres psql -U exchange -d exchange -Atc \
        "select address || ':' || port || ' ' || case status when 3 then 'active' when 6 then 'dead' else status::text end from OrleansMembershipTable where DeploymentId = 'exchange' order by status, address" 2>/dev/null | tr '\n' ' '
}

say "== up --scale silo=3"
dc down -v --remove-orphans >/dev/null 2>&1 || true
dc up -d --no-build --scale silo=3 2>&1 | sed 's/^/   /'
wait_for 180 "3 healthy silos" exactly_healthy 3
wait_for 120 "the gateway" gateway_ready
say "ready: 3 silos healthy, gateway ready; membership: $(membership)"

# ---- signed load: each caller creates and funds an account, then places orders in both markets, one at a time,
# logging "time symbol status code" for every request and "symbol clientOrderId orderId" for every acknowledgement.
admin() { curl -sS -m 35 -w '\n%{http_code}' -X "$1" "$gw$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+--data-raw "$3"}; }
signed() {  # KEY SECRET METHOD PATH [BODY]
    local ts payload sig
    ts=$(now_ms); payload="$ts$3$4"; if [ -n "${5:-}" ]; then payload+=$'\n'"$5"; fi
    sig=$(printf '%s' "$payload" | openssl dgst -sha256 -hmac "$2" -r | cut -d' ' -f1)
    curl -sS -m 35 -w '\n%{http_code}' -X "$3" "$gw$4" -H "X-API-KEY: $1" -H "X-TIMESTAMP: $ts" -H "X-SIGNATURE: $sig" \
        -H 'Content-Type: application/json' ${5:+--data-raw "$5"}
}
until_ok() {  # COMMAND...: asks again (same ids) until a 2xx, for setup and checks
    local answer attempt
    for attempt in $(seq 1 120); do
        answer="$("$@" 2>/dev/null || true)"
        [[ "${answer##*$'\n'}" =~ ^2 ]] && { printf '%s' "${answer%$'\n'*}"; return 0; }
        sleep 0.5
    done
    echo "no 2xx: $* -> $answer" >&2; return 1
}

trader() {  # INDEX
    local i=$1 n=0 account id key secret symbol side price size order answer status code tries
    account=$(until_ok admin POST /admin/v1/accounts '{"label":"compose-check"}')
    id=$(jq -r .accountId <<<"$account"); key=$(jq -r .apiKey <<<"$account"); secret=$(jq -r .apiSecret <<<"$account")
    until_ok admin POST "/admin/v1/accounts/$id/deposits" "{\"amount\":\"1000000\",\"transferId\":\"check-$id\"}" >/dev/null
    echo "$id $key $secret" >"$work/account$i"
    while [[ ! -e "$work/stop" ]]; do
        n=$((n + 1))
        if ((n % 2)); then symbol=BTC-PERP price=$((64000 + (RANDOM % 13) - 6)) size=0.00$((1 + RANDOM % 3))
        else symbol=ETH-PERP price=$((3000 + (RANDOM % 13) - 6)) size=0.0$((1 + RANDOM % 3)); fi
        ((RANDOM % 2)) && side=buy || side=sell
        order="{\"symbol\":\"$symbol\",\"side\":\"$side\",\"type\":\"limit\",\"price\":\"$price\",\"size\":\"$size\",\"clientOrderId\":\"k$i-$n\"}"
        for tries in 1 2 3 4 5 6; do  # a good client: a 503 or no answer is asked again with the same client order id
            answer="$(signed "$key" "$secret" POST /api/v1/orders "$order" 2>/dev/null || true)"
            status="${answer##*$'\n'}"; code="$(jq -r '.code? // empty' <<<"${answer%$'\n'*}" 2>/dev/null || true)"
            echo "$(now_ms) $symbol $status ${code:--}" >>"$work/requests$i"
            [[ "$status" =~ ^2 ]] && { echo "$symbol k$i-$n $(jq -r .orderId <<<"${answer%$'\n'*}")" >>"$work/acked$i"; break; }
            [[ "$status" == 503 || "$status" == 000 ]] || break
            sleep 0.2
        done
    done
}

say "== load: $callers signed callers in BTC-PERP and ETH-PERP"
for i in $(seq 1 "$callers"); do trader "$i" & done
acks_after() {  # SYMBOL MS: acknowledgements of that market after the time
    cat "$work"/requests* 2>/dev/null | awk -v s="$1" -v t="$2" '$2 == s && $1 > t && $3 ~ /^2/ {n++} END {print n + 0}'
}
serving_since() { [[ "$(acks_after BTC-PERP "$1")" -ge "${2:-1}" && "$(acks_after ETH-PERP "$1")" -ge "${2:-1}" ]]; }
wait_for 120 "the load to start" serving_since 0 20

# Per market: the first acknowledgement after TIME, and the longest gap between acknowledgements from FROM to then.
report() {  # NAME FROM_MS TIME_MS
    local symbol first gap line="$1:"
    for symbol in BTC-PERP ETH-PERP; do
        read -r first gap < <(cat "$work"/requests* | awk -v s="$symbol" -v from="$2" -v t="$3" '$2 == s && $3 ~ /^2/ {print $1}' | sort -n |
            awk -v from="$2" -v t="$3" 'NR > 1 && $1 >= from && prev <= (f ? f : 1e18) { if ($1 - prev > gap) gap = $1 - prev }
                $1 > t && !f { f = $1 } { prev = $1 } END { printf "%d %d\n", f - t, gap }')
        line+=" $symbol first ack $(awk -v m="$first" 'BEGIN{printf "%.2f", m/1000}') s after, longest gap $(awk -v m="$gap" 'BEGIN{printf "%.2f", m/1000}') s;"
    done
    local codes; codes=$(cat "$work"/requests* | awk -v from="$2" '$1 >= from && $3 !~ /^2/ {c[$3 " " $4]++} END {for (k in c) printf "%s x%d, ", k, c[k]}')
    say "$line ${codes:+non-2xx since the fault: ${codes%, }}"
}

victim=$(silos | head -n 1)
say "== docker kill silo $(docker inspect -f '{{.Name}}' "$victim")"
t=$(now_ms); docker kill "$victim" >/dev/null
wait_for 120 "both markets to serve after the kill" serving_since "$t"
report "kill" "$t" "$t"
wait_for 180 "3 healthy silos again" restarted_and_healthy 3
say "   3 healthy silos again; membership: $(membership)"

frozen=$(silos | sed -n 2p)
say "== docker pause silo $(docker inspect -f '{{.Name}}' "$frozen") for $pause_for s"
t=$(now_ms); docker pause "$frozen" >/dev/null
sleep "$pause_for"  # the length of the fault, not a wait for anything
docker unpause "$frozen" >/dev/null; t2=$(now_ms)
wait_for 120 "both markets to serve after the pause" serving_since "$t2"
report "pause ${pause_for} s (after unpause)" "$t" "$t2"
wait_for 180 "3 healthy silos again" restarted_and_healthy 3
say "   3 healthy silos again; membership: $(membership)"

say "== PostgreSQL container stopped for $database_down s"
t=$(now_ms); dc stop postgres >/dev/null 2>&1
sleep "$database_down"  # the length of the outage
dc start postgres >/dev/null 2>&1; t2=$(now_ms)
wait_for 120 "both markets to serve after the database" serving_since "$t2"
report "database (after start)" "$t" "$t2"

say "== scale to 4 silos"
t=$(now_ms); dc up -d --no-build --no-recreate --scale silo=4 >/dev/null 2>&1
wait_for 180 "4 healthy silos" exactly_healthy 4
report "scale to 4" "$t" "$t"
say "   membership: $(membership)"
say "== scale to 2 silos (SIGTERM drains the removed ones)"
t=$(now_ms); dc up -d --no-build --no-recreate --scale silo=2 >/dev/null 2>&1; t2=$(now_ms)
wait_for 120 "both markets to serve after the scale-down" serving_since "$t2"
wait_for 60 "2 healthy silos" exactly_healthy 2
report "scale to 2" "$t" "$t2"
say "   membership: $(membership)"

touch "$work/stop"; wait
total=$(cat "$work"/requests* | wc -l); acked=$(cat "$work"/acked* | wc -l)
say "== load stopped: $total requests, $acked orders acknowledged; checking every one by its client order id"
missing=0
for i in $(seq 1 "$callers"); do
    read -r id key secret <"$work/account$i"
    while read -r symbol coid order_id; do
        found="$(until_ok signed "$key" "$secret" GET "/api/v1/orders/by-client-id/$coid?symbol=$symbol" || true)"
        if [[ "$(jq -r .orderId <<<"$found" 2>/dev/null)" != "$order_id" ]]; then missing=$((missing + 1)); echo "missing: $symbol $coid $order_id: $found" >&2; fi
    done <"$work/acked$i"
done
balanced() { until_ok admin GET /admin/v1/audit | tee "$work/audit" | jq -e '.balanced and .moneyDifference == "0"'; }
wait_for 120 "the audit to balance" balanced || { say "audit: $(cat "$work/audit")"; exit 1; }
say "acknowledged orders missing: $missing of $acked; audit: $(jq -c '{moneyDifference, netPositions, balanced}' "$work/audit")"
[[ "$missing" == 0 ]]
say "OK: compose check passed in $((SECONDS - started_at)) s"
