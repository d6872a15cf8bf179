#!/usr/bin/env bash
# The highest rate of signed order requests each entry path sustains within a p99 bound, REST single orders beside
# WebSocket order entry, in one run against one stack (scripts/lib/order-entry-stack.sh: a throwaway PostgreSQL, one
# silo process, one gateway process). For each path the load generator offers an open-loop rate (latency counted from
# when each request was due, so a stall is not hidden), starting at the first rate and growing by a quarter while steps
# pass (or, if the first fails, shrinking by a fifth until one passes); a step passes when the p99 is within the bound
# and at least 95% of the offered rate was answered (a failing step is run once more, and fails only if it fails
# again). Both paths are warmed up first. The path's figure is its highest passing rate.
#
#   scripts/order-entry-sweep.sh [p99 bound in ms (25)] [first rate (800)] [load generator options...]
#   MODES=rest scripts/order-entry-sweep.sh 25 400      # one path only
set -euo pipefail

bound_ms="${1:-25}"; from="${2:-800}"; shift $(( $# >= 2 ? 2 : $# ))
source "$(dirname "${BASH_SOURCE[0]}")/lib/order-entry-stack.sh"

# One step: prints "answered-req/s p99-ms" of the measured phase.
step() {  # MODE RATE [load generator options...]
    local mode=$1 rate=$2; shift 2
    dotnet tools/LoadGenerator/bin/Release/net10.0/Exchange.LoadGenerator.dll --url "http://127.0.0.1:$gw_port" --token "$token" \
        --mode "$mode" --rate "$rate" --warmup 5 --duration 15 --seed "$rate" "$@" >"$work/step.log" 2>&1 || { tail -n 5 "$work/step.log" >&2; return 1; }
    local answered p99
    answered=$(grep '^measured ' "$work/step.log" | sed -E 's/.* requests, ([0-9,]+) req\/s.*/\1/' | tr -d ,)
    p99=$(grep '^latency per request' "$work/step.log" | sed -E 's/.* p99 ([0-9.]+) ms.*/\1/')
    echo "$answered $p99"
}

# Warm up both paths (the JIT, the pools, the first market activations): the first step on a cold stack failed where
# the same rate later passed.
step ws 300 >/dev/null && step rest 300 >/dev/null

# A step that fails is run once more: a failure counts only if it repeats (one stall of the machine is not the path's limit).
passes() {  # MODE RATE [load generator options...]
    local mode=$1 rate=$2 try; shift 2
    for try in 1 2; do
        read -r answered p99 <<<"$(step "$mode" "$rate" "$@")"
        if awk -v a="$answered" -v r="$rate" -v p="$p99" -v b="$bound_ms" 'BEGIN { exit !(p <= b && a >= 0.95 * r) }'; then return 0; fi
        printf '%-5s %10s %10s %9s  %s\n' "$mode" "$rate" "$answered" "$p99" "fail$([[ $try == 1 ]] && echo ", once more")"
    done
    return 1
}

declare -A best
printf '%-5s %10s %10s %9s  %s\n' mode offered answered "p99 ms" verdict
for mode in ${MODES:-rest ws}; do
    rate=$from best[$mode]=0 direction=""
    while ((rate >= 50)); do
        if passes "$mode" "$rate" "$@"; then
            verdict=pass
            printf '%-5s %10s %10s %9s  %s\n' "$mode" "$rate" "$answered" "$p99" pass
        else
            verdict=fail
        fi
        # Up by a quarter while steps pass; if the first fails, down by a fifth until one passes.
        [[ -z $direction ]] && direction=$([[ $verdict == pass ]] && echo up || echo down)
        if [[ $verdict == pass ]]; then
            best[$mode]=$rate
            [[ $direction == down ]] && break
            rate=$((rate * 5 / 4))
        else
            [[ $direction == up ]] && break
            rate=$((rate * 4 / 5))
        fi
    done
done
echo
echo "highest rate within p99 ${bound_ms} ms: rest ${best[rest]:-not run} req/s, ws ${best[ws]:-not run} req/s" \
    "($(awk -v w="${best[ws]:-0}" -v r="${best[rest]:-0}" 'BEGIN { if (r > 0 && w > 0) printf "%.2fx", w / r; else print "-" }') rest)"
echo "load average: $(cat /proc/loadavg)"
