#!/bin/bash
# Run: scripts/pg -- bench/webhook_intake.sh   (N=3000 CHATS=300 by default; loopback ports 18301-18303)
# Webhook intake of one phoenix-bot: N updates pushed at once into the fake Telegram, which
# POSTs them (40 connections, one per chat at a time); time until Telegram holds none
# (all acknowledged), and the bot's acknowledgement latency histogram.
set -u
B=${BUILD_DIR:-build}/bin
N=${N:-3000}; CHATS=${CHATS:-300}
TG=18301; WH=18302; MX=18303
TOKEN="123456:TEST-token-for-the-fake-telegram-0001"
$B/fake-telegram --port $TG > /tmp/wh-m-fake.log 2>&1 & FAKE=$!
sleep 0.5
TELEGRAM_BOT_TOKEN=$TOKEN WEBHOOK_SECRET_TOKEN=measure_secret API_FOOTBALL_KEY=x \
  $B/phoenix-bot --telegram.mode=webhook --webhook.listen=127.0.0.1:$WH --webhook.path=/hook \
  --webhook.url=http://127.0.0.1:$WH/hook --telegram.api-url=http://127.0.0.1:$TG \
  --football.api-url=http://127.0.0.1:1 --metrics.listen=127.0.0.1:$MX --cache.path=/tmp/wh-m.snap \
  --limits.global-per-second=0 --limits.chat-per-second=0 --limits.group-per-minute=0 \
  --limits.user-commands-per-minute=0 --handlers.max-queued-per-chat=0 > /tmp/wh-m-bot.log 2>&1 & BOT=$!
for i in $(seq 100); do grep -q "webhook set" /tmp/wh-m-bot.log && break; sleep 0.1; done
# warm-up: migrations, connections
curl -s "http://127.0.0.1:$TG/__push?chat=1&text=%2Fhelp" >/dev/null; sleep 1
python3 - "$N" "$CHATS" > /tmp/wh-m-body.txt <<'PY'
import sys
n,c=int(sys.argv[1]),int(sys.argv[2])
for i in range(n): print(f"{1000+i%c} /help")
PY
t0=$(date +%s.%N)
curl -s -X POST --data-binary @/tmp/wh-m-body.txt "http://127.0.0.1:$TG/__push_many" > /dev/null
while true; do
  p=$(curl -s -X POST "http://127.0.0.1:$TG/bot$TOKEN/getWebhookInfo" | python3 -c 'import sys,json;print(json.load(sys.stdin)["result"]["pending_update_count"])')
  [ "$p" = "0" ] && break; sleep 0.05
done
t1=$(date +%s.%N)
python3 -c "print('acknowledged $N updates in %.2f s: %.0f updates/s' % ($t1-$t0, $N/($t1-$t0)))"
curl -s http://127.0.0.1:$MX/metrics > /tmp/wh-m-metrics.txt
grep -E "phoenix_webhook_(requests_total|ack_latency_seconds_(bucket|count|sum))" /tmp/wh-m-metrics.txt | grep -v ' 0$'
# p50 and p99 of the acknowledgement latency: the upper bound of the bucket holding that rank
python3 - /tmp/wh-m-metrics.txt <<'PY'
import re, sys
buckets = []
for line in open(sys.argv[1]):
    m = re.match(r'phoenix_webhook_ack_latency_seconds_bucket\{le="([^"]+)"\} (\d+)', line)
    if m:
        buckets.append((float('inf') if m.group(1) == '+Inf' else float(m.group(1)), int(m.group(2))))
total = buckets[-1][1] if buckets else 0
for p in (50, 99):
    rank = p / 100 * total
    le = next((b for b, n in buckets if n >= rank), float('inf'))
    print(f"ack latency p{p}: <= {le * 1000:g} ms (of {total} acknowledgements)")
PY
kill $BOT; wait $BOT; kill $FAKE
