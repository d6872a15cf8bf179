# Sourced by the order-entry measurements (cpu-per-order.sh, order-entry-sweep.sh): builds the silo, the gateway and the
# load generator, and starts a throwaway PostgreSQL, one silo process and one gateway process (as deployed, on the
# ADO.NET membership). Sets: repo, work, gw_port, token, postmaster, silo, gateway, pids (stopped on exit), and the
# functions of lib/processes.sh and ticks.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
work="$(mktemp -d /tmp/exchange-order-entry.XXXXXX)"
chmod 755 "$work"
gw_port=5191 pg_port=55434 token="order-entry-admin-token"
pids=()
source "$repo/scripts/lib/processes.sh"
trap stop_processes EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # user + system, in clock ticks

for project in Silo/Silo.csproj Client/Client.csproj tools/LoadGenerator/LoadGenerator.csproj; do
    dotnet build "$project" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done

start_postgres "$pg_port"
postmaster="$(head -n 1 "$work/pg/postmaster.pid")"

export ConnectionStrings__Exchange="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=exchange" \
    Exchange__Clustering=AdoNet Orleans__ClusterId=order-entry Orleans__ServiceId=exchange
Orleans__SiloPort=11411 Orleans__GatewayPort=30401 Orleans__AdvertisedAddress=127.0.0.1 \
    dotnet Silo/bin/Release/net10.0/Exchange.Silo.dll >"$work/silo.log" 2>&1 &
silo=$!; pids+=("$silo")
# One WebSocket per account, all from this address (ws mode).
Gateway__AdminToken="$token" Gateway__SecretKey="$(head -c 32 /dev/urandom | base64)" Gateway__WebSocketConnectionsPerAddress=5000 \
    dotnet Client/bin/Release/net10.0/Exchange.Client.dll --urls "http://127.0.0.1:$gw_port" >"$work/gateway.log" 2>&1 &
gateway=$!; pids+=("$gateway")
ready() { curl -sf "http://127.0.0.1:$gw_port/health/ready" | grep -q '"status":"Healthy"'; }
wait_for 180 "the gateway to be ready" ready
