#!/usr/bin/env bash
# CPU per order in the gateway, the silo and PostgreSQL, for REST, REST batches and WebSocket order entry, in one run:
# a throwaway PostgreSQL, one silo process and one gateway process (as deployed, on the ADO.NET membership), and the
# load generator (--mode all) against the gateway. For each mode the CPU time each process used during the measured
# phase (from /proc, user + system) is divided by the requests and by the orders and cancels answered in it.
#
#   scripts/cpu-per-order.sh [load generator options...]     # e.g. --rate 3000 --duration 30
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/order-entry-stack.sh"

postgres_ticks() {  # the postmaster and every backend it has now (pooled connections live through the phase)
    local total; total=$(ticks "$postmaster")
    for child in $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$child"))); done
    echo "$total"
}
sample() { echo "$(ticks "$gateway") $(ticks "$silo") $(postgres_ticks) $(ticks "$load")"; }

dotnet tools/LoadGenerator/bin/Release/net10.0/Exchange.LoadGenerator.dll --url "http://127.0.0.1:$gw_port" --token "$token" \
    --mode all --warmup 5 --duration 30 "$@" >"$work/load.log" 2>&1 &
load=$!; pids+=("$load")
hz=$(getconf CLK_TCK)
printf '%-6s %11s %20s %12s %12s %12s %12s\n' mode "requests/s" "orders+cancels/s" "gateway" "silo" "postgres" "load gen"
printf '%-6s %11s %20s %12s %12s %12s %12s\n' "" "" "" "CPU us per order or cancel" "" "" ""
for mode in rest batch ws; do
    header="== $mode"
    wait_for 600 "the $mode phase" grep -q "^$header" "$work/load.log"
    phase_start=$(grep -n "^$header" "$work/load.log" | cut -d: -f1)
    measuring() { tail -n "+$phase_start" "$work/load.log" | grep -q '^\[ *[0-9]*s\] [^(]*$'; }   # the first line that is not warm-up
    wait_for 120 "the $mode measured phase" measuring
    read -r g0 s0 p0 l0 <<<"$(sample)"
    measured() { tail -n "+$phase_start" "$work/load.log" | grep -q '^measured '; }
    wait_for 300 "the end of the $mode phase" measured
    read -r g1 s1 p1 l1 <<<"$(sample)"
    line="$(tail -n "+$phase_start" "$work/load.log" | grep '^measured ')"
    seconds=$(sed -E 's/^measured ([0-9.]+) s.*/\1/' <<<"$line")
    rate=$(sed -E 's/.* requests, ([0-9,]+) req\/s.*/\1/' <<<"$line" | tr -d ,)
    orders=$(sed -E 's/.*\(orders ([0-9,]+)\/s.*/\1/' <<<"$line" | tr -d ,)
    cancels=$(sed -E 's/.*cancels ([0-9,]+)\/s\).*/\1/' <<<"$line" | tr -d ,)
    items=$(awk -v o="$orders" -v c="$cancels" -v s="$seconds" 'BEGIN { printf "%d", (o + c) * s }')
    # A process that ended before the second sample (the load generator after its last phase) reads 0 ticks: "-".
    per() { awk -v t="$1" -v n="$items" -v hz="$hz" 'BEGIN { if (t < 0) print "-"; else printf "%.0f", t * 1000000 / hz / n }'; }
    printf '%-6s %11s %20s %12s %12s %12s %12s\n' "$mode" "$rate" "$((orders + cancels))" "$(per $((g1 - g0)))" "$(per $((s1 - s0)))" "$(per $((p1 - p0)))" "$(per $((l1 - l0)))"
done
wait "$load" || true
echo
echo "== load generator"
grep -E '^(==|measured|latency|status|error codes|mode|rest|batch|ws)' "$work/load.log"
echo "load average: $(cat /proc/loadavg)"
