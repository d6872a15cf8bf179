#!/usr/bin/env bash
# Creates an account through the admin API, deposits into it, and places one signed limit order, printing each
# answer. Shows the signing scheme end to end with nothing but curl, openssl and jq.
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
    curl -sS --fail-with-body -X "$1" "$gw$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+--data-raw "$3"}
}

# X-SIGNATURE = lower-case hex HMAC-SHA256(secret, timestamp + METHOD + path-with-query, then a newline and the body
# when there is one), X-TIMESTAMP in Unix ms. GET and DELETE send no body.
signed() {  # METHOD PATH [BODY]
    local ts sig payload
    ts=$(date +%s%3N)
    payload="$ts$1$2"
    if [ -n "${3:-}" ]; then payload+=$'\n'"$3"; fi
    sig=$(printf '%s' "$payload" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
    curl -sS -X "$1" "$gw$2" -H "X-API-KEY: $key" -H "X-TIMESTAMP: $ts" -H "X-SIGNATURE: $sig" \
         -H 'Content-Type: application/json' ${3:+--data-raw "$3"}
}

account=$(admin POST /admin/v1/accounts '{"label":"place-order.sh"}')
id=$(jq -r .accountId <<<"$account"); key=$(jq -r .apiKey <<<"$account"); secret=$(jq -r .apiSecret <<<"$account")
echo "account $id, API key $key"

echo "deposit:"; admin POST "/admin/v1/accounts/$id/deposits" "{\"amount\":\"100000\",\"transferId\":\"script-$id\"}"; echo
order="{\"symbol\":\"$symbol\",\"side\":\"$side\",\"type\":\"limit\",\"price\":\"$price\",\"size\":\"$size\",\"clientOrderId\":\"script-$id-1\"}"
echo "order:"; signed POST /api/v1/orders "$order"; echo
echo "open orders:"; signed GET "/api/v1/orders?symbol=$symbol"; echo
echo "account:"; signed GET /api/v1/account; echo
