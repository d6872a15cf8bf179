#!/usr/bin/env bash
# Creates an account through the admin API, deposits into it, and places one signed limit order, printing each
# answer. Shows the signing scheme end to end with nothing but curl, openssl and jq, and how a good client treats a
# 503: it asks again with the same transfer id or client order id (the exchange applies each at most once), a bounded
# number of times, so a silo that just died or a database that is back in a moment costs a pause, not an error.
#
#   scripts/place-order.sh ADMIN_TOKEN [GATEWAY_URL] [SYMBOL SIDE PRICE SIZE]
#   scripts/place-order.sh 3bcd... http://localhost:5000 BTC-PERP buy 64000 0.01
set -euo pipefail

token="${1:?usage: $0 ADMIN_TOKEN [GATEWAY_URL] [SYMBOL SIDE PRICE SIZE]}"
gw="${2:-http://localhost:5000}"
symbol="${3:-BTC-PERP}" side="${4:-buy}" price="${5:-64000}" size="${6:-0.01}"

for tool in curl openssl jq; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done

admin() {  # METHOD PATH [BODY]
    curl -sS -w '\n%{http_code}' -X "$1" "$gw$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+--data-raw "$3"}
}

# X-SIGNATURE = lower-case hex HMAC-SHA256(secret, timestamp + METHOD + path-with-query, then a newline and the body
# when there is one), X-TIMESTAMP in Unix ms. GET and DELETE send no body.
signed() {  # METHOD PATH [BODY]
    local ts sig payload
    ts=$(date +%s%3N)
    payload="$ts$1$2"
    if [ -n "${3:-}" ]; then payload+=$'\n'"$3"; fi
    sig=$(printf '%s' "$payload" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
    curl -sS -w '\n%{http_code}' -X "$1" "$gw$2" -H "X-API-KEY: $key" -H "X-TIMESTAMP: $ts" -H "X-SIGNATURE: $sig" \
         -H 'Content-Type: application/json' ${3:+--data-raw "$3"}
}

# Runs a call (admin or signed, which sign afresh each time) until its answer is not a 503 or a refused connection,
# at most 40 times, half a second apart: OUTCOME_UNKNOWN, JOURNAL_UNAVAILABLE and SERVICE_UNAVAILABLE are all answered
# by asking again with the same ids. Prints the body; fails on a final status of 400 or more.
retrying() {  # admin|signed METHOD PATH [BODY]
    local answer status attempt
    for attempt in $(seq 1 40); do
        answer="$("$@" 2>/dev/null || true)"
        status="${answer##*$'\n'}"
        [[ "$status" == 503 || "$status" == 000 || -z "$status" ]] || break
        echo "  ($2 $3: ${status/000/no connection} $(jq -r '.code? // empty' <<<"${answer%$'\n'*}" 2>/dev/null), asking again with the same ids)" >&2
        sleep 0.5
    done
    printf '%s' "${answer%$'\n'*}"
    [[ "$status" =~ ^[0-9]+$ && "$status" -lt 400 ]]
}

# Creating an account has no idempotency key: a repeat after a lost answer may leave one unused account behind.
account=$(retrying admin POST /admin/v1/accounts '{"label":"place-order.sh"}')
id=$(jq -r .accountId <<<"$account"); key=$(jq -r .apiKey <<<"$account"); secret=$(jq -r .apiSecret <<<"$account")
echo "account $id, API key $key"

echo "deposit:"; retrying admin POST "/admin/v1/accounts/$id/deposits" "{\"amount\":\"100000\",\"transferId\":\"script-$id\"}"; echo
order="{\"symbol\":\"$symbol\",\"side\":\"$side\",\"type\":\"limit\",\"price\":\"$price\",\"size\":\"$size\",\"clientOrderId\":\"script-$id-1\"}"
echo "order:"; retrying signed POST /api/v1/orders "$order"; echo
echo "open orders:"; retrying signed GET "/api/v1/orders?symbol=$symbol"; echo
echo "account:"; retrying signed GET /api/v1/account; echo
