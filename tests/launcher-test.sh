#!/usr/bin/env bash
# The launcher's own test (part of ./reigh test): a second suite, in its own state directory and on
# ports offset by 1000 or more so that it never touches a suite already running, goes up, answers /v1/me
# through the gateway with a dev token (and 401 without one), serves health and metrics on the
# management ports only (never the public one), comes up a second time harmlessly, and goes down
# leaving no process and no open port behind.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REIGH_STATE
REIGH_STATE="$(mktemp -d /tmp/reigh-launcher-test.XXXXXX)"
# The launcher is what is tested here; seeding is the demo's (and has its own end-to-end test).
export REIGH_NO_SEED=1

# A port of ours is taken if anything holds it, a listener or the local end of a connection (the
# PostgreSQL and S3 ports lie in the kernel's ephemeral range, so a busy machine's outgoing
# connections can hold one for a while).
port_taken() {
  if command -v ss >/dev/null; then ss -Htan "( sport = :$1 )" | grep -q .
  else (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}
# The first offset from 1000 (in steps of 100) whose twelve ports are all free.
export REIGH_PORT_OFFSET=
for offset in 1000 1100 1200 1300 1400 1500 1600 1700 1800 1900; do
  free=1
  for base in 8080 8081 8082 8083 8084 8090 8091 8092 8093 8094 54329 54330; do
    if port_taken $((base + offset)); then free=0; break; fi
  done
  if [ "$free" = 1 ]; then REIGH_PORT_OFFSET=$offset; break; fi
done
[ -n "$REIGH_PORT_OFFSET" ] || { echo "launcher test: no free set of ports between offsets 1000 and 1900"; exit 1; }
GATEWAY="http://127.0.0.1:$((8080 + REIGH_PORT_OFFSET))"
# The gateway's management interface (health, metrics): never its public port.
GATEWAY_MANAGEMENT="http://127.0.0.1:$((8090 + REIGH_PORT_OFFSET))"
USER_ID="11111111-2222-4333-8444-555555555555"
failures=0

check() { # description, expected, actual
  if [ "$2" = "$3" ]; then echo "ok    $1"; else echo "FAIL  $1: expected $2, got $3"; failures=$((failures + 1)); fi
}

cleanup() {
  "$ROOT/reigh" down >/dev/null 2>&1 || true
  # As root the cluster may live outside the state directory (see pg_dir in ./reigh).
  [ -L "$REIGH_STATE/pg" ] && rm -rf "$(dirname "$(readlink -f "$REIGH_STATE/pg")")"
  rm -rf "$REIGH_STATE"
}
trap cleanup EXIT

"$ROOT/reigh" up > "$REIGH_STATE/up.out" 2>&1 || { cat "$REIGH_STATE/up.out"; exit 1; }

token=$("$ROOT/reigh" token --user "$USER_ID" --email launcher@example.test | tail -n 1)
check "GET /v1/me with a dev token" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$GATEWAY/v1/me")"
check "GET /v1/me answers the token's user" "\"$USER_ID\"" "$(curl -s -H "Authorization: Bearer $token" "$GATEWAY/v1/me" | grep -o "\"$USER_ID\"" | head -n 1)"
check "GET /v1/me without a token" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/v1/me")"
expired=$("$ROOT/reigh" token --user "$USER_ID" --ttl -120 | tail -n 1)
check "GET /v1/me with an expired token" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $expired" "$GATEWAY/v1/me")"
foreign=$("$ROOT/reigh" token --user "$USER_ID" --issuer https://evil.example | tail -n 1)
check "GET /v1/me with a foreign issuer" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $foreign" "$GATEWAY/v1/me")"
check "/internal is not routed" 404 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$GATEWAY/internal/v1/charges")"
check "metrics are not on the public port" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/q/metrics")"
check "health is not on the public port" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/q/health/ready")"
check "the management port serves readiness" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY_MANAGEMENT/q/health/ready")"
check "the management port serves metrics" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY_MANAGEMENT/q/metrics")"
check "status reports every service ready" 5 "$("$ROOT/reigh" status | grep -c ' ready ')"

"$ROOT/reigh" up > "$REIGH_STATE/up-again.out" 2>&1
check "a second up is harmless" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$GATEWAY/v1/me")"

pids=$(cat "$REIGH_STATE"/run/*.pid 2>/dev/null || true)
"$ROOT/reigh" down > /dev/null 2>&1
alive=0
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
check "down stops every process it started" 0 "$alive"
check "down stops the gateway" 000 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GATEWAY/v1/me" || true)"
check "down stops the gateway's management port" 000 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GATEWAY_MANAGEMENT/q/health/live" || true)"
check "down stops PostgreSQL (no response)" 2 "$(pg_isready -h 127.0.0.1 -p $((54329 + REIGH_PORT_OFFSET)) >/dev/null 2>&1; echo $?)"

if [ "$failures" -gt 0 ]; then echo "launcher test: $failures failure(s)"; exit 1; fi
echo "launcher test: all checks passed"
