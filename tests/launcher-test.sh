#!/usr/bin/env bash
# The launcher's own test (part of ./reigh test): a second suite, in its own state directory and on
# ports offset by 1000 or more so that it never touches a suite already running, goes up, answers /v1/me
# through the gateway with a dev token (and 401 without one), serves health and metrics on the
# management ports only (never the public one), comes up a second time harmlessly, and goes down
# leaving no process and no open port behind. On the way: `db new` on a fixture tree, `db migrate`
# into a second database, and the TypeScript client's web-app session against the suite.
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

# ---- db new: the next migration of an owner, in that owner's numbering (no suite needed)
fixture="$REIGH_STATE/migrations"
mkdir -p "$fixture"/{common,projects,storage,credits,tasks}
touch "$fixture/common/V1_0__roles.sql" "$fixture/projects/V1_1__p.sql" "$fixture/projects/V2_11__a.sql" \
  "$fixture/projects/V2_12__b.sql" "$fixture/storage/V1_2__s.sql" "$fixture/credits/V1_3__c.sql" \
  "$fixture/credits/V2_30__d.sql" "$fixture/tasks/V1_4__t.sql" "$fixture/tasks/V2_41__e.sql"
new_migration() { REIGH_MIGRATIONS_DIR="$fixture" "$ROOT/reigh" db new "$@" 2>/dev/null | tail -n 1 | sed "s|^$fixture/||"; }
check "db new: an owner's next number in the current major" "projects/V2_13__add_x.sql" "$(new_migration projects add_x)"
check "db new: after an owner's n = 0" "credits/V2_31__add_y.sql" "$(new_migration credits add_y)"
check "db new: an owner's first file of the major" "storage/V2_21__add_z.sql" "$(new_migration storage add_z)"
check "db new: common is slot 0" "common/V2_01__roles_again.sql" "$(new_migration common roles_again)"
check "db new: --major starts a new major" "tasks/V3_41__next_release.sql" "$(new_migration tasks next_release --major 3)"
check "db new: an unknown owner is refused" 1 "$(REIGH_MIGRATIONS_DIR="$fixture" "$ROOT/reigh" db new billing x >/dev/null 2>&1; echo $?)"
check "db new: a name that is no identifier is refused" 1 "$(REIGH_MIGRATIONS_DIR="$fixture" "$ROOT/reigh" db new tasks 'drop table' >/dev/null 2>&1; echo $?)"
check "db new: the file starts with its owner's header" "-- projects: add x." "$(sed -n 1p "$fixture/projects/V2_13__add_x.sql")"

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
tasks_pid=$(cat "$REIGH_STATE/run/tasks.pid")
check "the services run with their native heap trimmed" 5000 \
  "$(jcmd "$tasks_pid" VM.flags 2>/dev/null | grep -o 'TrimNativeHeapInterval=[0-9]*' | cut -d= -f2)"
cores=$(nproc)
check "the services' pools are sized to the machine's cores (twice, at least 4)" \
  "REIGH_DB_POOL_SIZE=$(( cores * 2 > 4 ? cores * 2 : 4 ))" \
  "$(tr '\0' '\n' < "/proc/$tasks_pid/environ" | grep '^REIGH_DB_POOL_SIZE=')"
# On a JDK 25 or later (the launcher picks the newest under /usr/lib/jvm) the services start from the AOT
# cache the first up of a build records; on an older java, without one.
service_java_major=$("$(readlink -f "/proc/$tasks_pid/exe")" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
check "the services start from their AOT cache when their java has one (java $service_java_major)" \
  "$([ "$service_java_major" -ge 25 ] && echo mapped || echo none)" \
  "$(grep -q '/quarkus-app/reigh-[^/]*\.aot$' "/proc/$tasks_pid/maps" && echo mapped || echo none)"
# As a release does (k8s/base/migrate): up migrates once, before any service starts; the services never do.
check "up migrated the database before starting the services" "Migrations applied" \
  "$(grep -o 'Migrations applied' "$REIGH_STATE/up.out" | head -n 1)"
check "the services run without migrating at start" "REIGH_DB_MIGRATE_AT_START=false" \
  "$(tr '\0' '\n' < "/proc/$tasks_pid/environ" | grep '^REIGH_DB_MIGRATE_AT_START=')"
check "no service ran Flyway's migrate" 0 \
  "$(cat "$REIGH_STATE"/logs/{projects,tasks,credits,storage}.log | grep -c 'DbMigrate')"
# A setting Quarkus has renamed or dropped is a warning at every start, in every process's log.
check "no process warned about its configuration" 0 \
  "$(cat "$REIGH_STATE"/logs/{projects,tasks,credits,storage,gateway}.log | grep 'WARN' | grep -c '\[io.qu.config\]')"

# ---- the gateway's one OpenAPI document and reference page
check "GET /openapi.json" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/openapi.json")"
check "GET /docs" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY/docs")"

# ---- db migrate: any database, through a service's own Flyway configuration
PSQL=(psql -h 127.0.0.1 -p $((54329 + REIGH_PORT_OFFSET)) -U postgres -qtA)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE reigh_copy OWNER reigh_owner" >/dev/null
migrations_in_repo=$(find "$ROOT/common/src/main/resources/db/migration" -name 'V*__*.sql' | wc -l)
"$ROOT/reigh" db migrate --url "postgres://reigh_owner@127.0.0.1:$((54329 + REIGH_PORT_OFFSET))/reigh_copy" \
  > "$REIGH_STATE/migrate.out" 2>&1 || cat "$REIGH_STATE/migrate.out"
check "db migrate --url applies every migration to an empty database" "$migrations_in_repo" \
  "$("${PSQL[@]}" -d reigh_copy -c "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")"
check "db migrate again: nothing pending, nothing applied" 0 \
  "$("$ROOT/reigh" db migrate --url "jdbc:postgresql://127.0.0.1:$((54329 + REIGH_PORT_OFFSET))/reigh_copy?user=reigh_owner" >/dev/null 2>&1; echo $?)"
check "db migrate again: the history is unchanged" "$migrations_in_repo" \
  "$("${PSQL[@]}" -d reigh_copy -c "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")"
check "db migrate refuses a URL it cannot read" 1 "$("$ROOT/reigh" db migrate --url "mysql://x/y" >/dev/null 2>&1; echo $?)"

# ---- the TypeScript client's web-app session against this suite (clients/typescript/test/session)
( cd "$ROOT/clients/typescript" && { [ -f node_modules/.package-lock.json ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error; } )
sdk_user=$(cat /proc/sys/kernel/random/uuid)
session_status=0
REIGH_GATEWAY="$GATEWAY" REIGH_USER_ID="$sdk_user" \
  REIGH_USER_TOKEN="$("$ROOT/reigh" token --user "$sdk_user" --email sdk@example.test | tail -n 1)" \
  REIGH_WORKER_TOKEN="$("$ROOT/reigh" token --worker --user "$sdk_user" | tail -n 1)" \
  npm --prefix "$ROOT/clients/typescript" run --silent test:session || session_status=$?
check "the TypeScript client's web-app session" 0 "$session_status"

"$ROOT/reigh" up > "$REIGH_STATE/up-again.out" 2>&1
check "a second up is harmless" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$GATEWAY/v1/me")"

# A cache older than its app's build is recorded again, for that app alone, and the app starts from it.
if [ "$service_java_major" -ge 25 ]; then
  cache=$(grep -o '/.*/quarkus-app/reigh-[^/]*\.aot$' "/proc/$tasks_pid/maps" | head -n 1)
  "$ROOT/reigh" down > /dev/null 2>&1
  touch -d '2000-01-01' "$cache"
  "$ROOT/reigh" up > "$REIGH_STATE/up-stale.out" 2>&1 || { cat "$REIGH_STATE/up-stale.out"; exit 1; }
  check "a stale AOT cache is recorded again, that app's alone" "Recording the start-up cache of tasks (" \
    "$(grep -o 'Recording the start-up cache of [a-z ]*(' "$REIGH_STATE/up-stale.out")"
  check "the app starts from the cache recorded again" mapped \
    "$(grep -q "$cache\$" "/proc/$(cat "$REIGH_STATE/run/tasks.pid")/maps" && [ "$cache" -nt "$(dirname "$cache")/quarkus-run.jar" ] && echo mapped || echo none)"
fi

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
