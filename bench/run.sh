#!/usr/bin/env bash
# Pathway's performance harness: one command, on the deterministic national dataset (150
# authorities, ~100,000 workers), on SQLite and on PostgreSQL. See docs/performance.md.
#
#   bench/run.sh           the full run (about 15 minutes on two cores)
#   bench/run.sh --quick   shorter load runs, no import benchmark (about 6 minutes)
#
# What it does, in order:
#  1. builds `pathway` and the hello-world baseline (bench/baseline) in the release profile,
#     and the core benchmarks; finds `oha` (installs it with `cargo install oha --locked`
#     into ~/.cache/pathway-bench when it is not on the PATH: about 4 minutes, once);
#  2. loads the national demo (`pathway demo --scale national`) into a scratch SQLite file
#     and a scratch PostgreSQL database it creates (and drops at the end), timing each load
#     and its peak memory;
#  3. runs the core benchmarks (crates/pathway-app/benches/national.rs): eligibility for one
#     worker and the nation, pay, portfolio coverage, validation of the bundled frameworks,
#     and eligibility for the nation from storage on each database; in the full run also the
#     100,000-worker import (crates/pathway-app/benches/import.rs);
#  4. starts the baseline and drives it with oha at concurrency 1 and 16;
#  5. on each database: makes accounts and API tokens for a team manager and one of their
#     team (the CLI, as an operator would), starts `pathway serve` on loopback, times its
#     start to ready (/healthz answers), waits for its start-up run-due, then drives it with
#     oha at concurrency 1 and 16 against the JSON worker detail, the JSON eligibility of a
#     worker and the manager's team list, and a mixed workload (reads of the worker detail
#     beside evidence added and appraisals recorded); reads the server's peak RSS from /proc;
#  6. on PostgreSQL, two `serve` processes on the one database, driven together;
#  7. prints every result (rps, p50, p99, errors, share of the baseline measured in this run)
#     and writes the table to target/bench/results-<UTC time>.md and target/bench/latest.md.
#
# Loopback only; every process it starts is stopped by it, whatever happens; each load run
# is bounded by time. Settings (environment): PATHWAY_BENCH_POSTGRES (a PostgreSQL URL whose
# user may create databases; default postgres://postgres@127.0.0.1:5432/postgres),
# PATHWAY_BENCH_SECONDS (length of each load run; default 10, quick 3), OHA (the oha to use),
# PATHWAY_BENCH_KEEP (a folder to keep the national SQLite database in, for a closer look).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac
seconds="${PATHWAY_BENCH_SECONDS:-$([ "$quick" = true ] && echo 3 || echo 10)}"
pg_admin="${PATHWAY_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db="pathway_bench_$$"
pg_url="${pg_admin%/*}/$pg_db"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/pathway-bench.XXXXXX")
out_dir="$root/target/bench"
mkdir -p "$out_dir"
results="$scratch/results.tsv"     # kind, area, name, value columns... (see `table` below)
: >"$results"
pids=()
pg_created=false

cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${PATHWAY_BENCH_KEEP:-}" ] && [ -f "$scratch/national.db" ]; then
    mkdir -p "$PATHWAY_BENCH_KEEP" && mv "$scratch/national.db" "$PATHWAY_BENCH_KEEP/" || true
  fi
  if [ "$pg_created" = true ]; then
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---------------------------------------------------------------------------------------
step "build (release profile): pathway, the baseline, the core benchmarks"
cargo build --release --locked -q -p pathway-cli -p pathway-bench-baseline
pathway="$root/target/release/pathway"
baseline="$root/target/release/pathway-bench-baseline"
bench_exe() {
  cargo bench --locked -q -p pathway-app --bench "$1" --no-run --message-format=json 2>/dev/null |
    jq -r "select(.reason == \"compiler-artifact\" and .target.name == \"$1\" and .executable != null) | .executable" |
    tail -n 1
}
national_bench=$(bench_exe national)
[ -x "$national_bench" ] || { echo "the national benchmark did not build"; exit 1; }

oha="${OHA:-$(command -v oha || true)}"
if [ -z "$oha" ]; then
  oha_root="$HOME/.cache/pathway-bench/oha"
  if [ ! -x "$oha_root/bin/oha" ]; then
    step "installing oha 1.16.0 into $oha_root (once; about 4 minutes)"
    cargo install oha --locked --version 1.16.0 --root "$oha_root"
  fi
  oha="$oha_root/bin/oha"
fi

describe_machine() {
  local cpu mem
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)
  echo "$(nproc) cores ($cpu), $mem RAM, $(uname -sr); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine=$(describe_machine)
echo "$machine"

# A result line: kind area name value unit note (kind: core) or
# kind area name rps p50_ms p99_ms errors requests note (kind: load).
record() { (IFS=$'\t'; echo "$*") >>"$results"; }

# ---------------------------------------------------------------------------------------
# Loading the national demo, timed, with peak memory (GNU time's maximum resident size).
load_demo() {
  local label=$1 url=$2 started elapsed rss
  step "national demo into $label"
  started=$(now_ms)
  PATHWAY_DATABASE_URL="$url" /usr/bin/time -f '%M' -o "$scratch/demo-$label.rss" \
    "$pathway" demo --scale national >"$scratch/demo-$label.out" 2>&1 ||
    { cat "$scratch/demo-$label.out"; exit 1; }
  elapsed=$(( $(now_ms) - started ))
  rss=$(tail -n 1 "$scratch/demo-$label.rss")
  tail -n 2 "$scratch/demo-$label.out"
  echo "loaded in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s, peak RSS $((rss / 1024)) MB"
  record core "demo load $label" "national demo load" "$(awk -v ms="$elapsed" 'BEGIN { printf "%.3f", ms / 1000 }')" s \
    "peak RSS $((rss / 1024)) MB"
}

sqlite_url="$scratch/national.db"
load_demo sqlite "$sqlite_url"
psql -q "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
pg_created=true
load_demo postgres "$pg_url"

# ---------------------------------------------------------------------------------------
core() {
  "$@" | tee "$scratch/core.out" | grep -v '^RESULT' || true
  grep '^RESULT' "$scratch/core.out" | cut -f2- | sed 's/^/core\t/' >>"$results"
}
step "core benchmarks: in memory"
core "$national_bench" memory
step "core benchmarks: eligibility for the nation from storage"
core "$national_bench" storage sqlite "$sqlite_url"
core "$national_bench" storage postgres "$pg_url"
if [ "$quick" = false ]; then
  step "core benchmarks: importing 100,000 workers"
  import_out=$(PATHWAY_BENCH_POSTGRES_URL="$pg_admin" cargo bench --locked -q -p pathway-app --bench import 2>&1) ||
    { echo "$import_out"; exit 1; }
  echo "$import_out"
  while IFS= read -r line; do
    db=${line%%:*}
    secs=$(echo "$line" | sed -n 's/.* in \([0-9.]*\) s:.*/\1/p')
    [ -n "$secs" ] && record core "import $db" "import 100,000 workers" "$secs" s "one transaction, rows checked first"
  done < <(echo "$import_out" | grep -E '^(SQLite|PostgreSQL): imported')
fi

# ---------------------------------------------------------------------------------------
# Load runs. oha writes JSON; the figures are taken from it.
load_run() { # area name url concurrency [oha options...]
  local area=$1 name=$2 url=$3 c=$4
  shift 4
  local file="$scratch/oha-$RANDOM$RANDOM.json"
  "$oha" -z "${seconds}s" -c "$c" -w --no-tui --output-format json "$@" "$url" >"$file"
  summarise "$area" "$name" "$c" "$file"
}
summarise() { # area name concurrency json
  jq -r --arg area "$1" --arg name "$2 (c=$3)" '
    (.statusCodeDistribution // {}) as $codes
    | ([$codes | to_entries[] | select(.key | startswith("2")) | .value] | add // 0) as $ok
    | ([$codes | to_entries[] | .value] | add // 0) as $answered
    | ([(.errorDistribution // {}) | to_entries[] | .value] | add // 0) as $failed
    | ["load", $area, $name,
       (.summary.requestsPerSec | . * 10 | round / 10),
       (.latencyPercentiles.p50 * 1000 * 1000 | round / 1000),
       (.latencyPercentiles.p99 * 1000 * 1000 | round / 1000),
       ($answered - $ok + $failed), $answered,
       ([$codes | to_entries[] | select(.key | startswith("2") | not) | "\(.key)×\(.value)"] | join(" "))]
    | @tsv' "$4" | tee -a "$results" | cut -f2-
}

step "baseline: a hello-world axum server, the same profile and the same load settings"
"$baseline" 127.0.0.1:0 >"$scratch/baseline.out" 2>&1 &
pids+=($!)
base_url=""
for _ in $(seq 1 100); do
  base_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$scratch/baseline.out" 2>/dev/null | head -n 1 || true)
  [ -n "$base_url" ] && break
  sleep 0.05
done
[ -n "$base_url" ] || { echo "the baseline did not start"; exit 1; }
for c in 1 16; do load_run baseline "hello world" "$base_url/" "$c"; done
kill -TERM "${pids[-1]}" 2>/dev/null || true

# ---------------------------------------------------------------------------------------
# One signed-in pair on a database: a team manager and one of their team, with API tokens.
start_server() { # label url log -> sets server_pid, server_url, ready_ms
  local label=$1 url=$2 log=$3 started
  started=$(now_ms)
  PATHWAY_DATABASE_URL="$url" RUST_LOG="warn,pathway_server::schedule=info" \
    "$pathway" serve --bind 127.0.0.1:0 >"$log.out" 2>"$log" &
  server_pid=$!
  pids+=("$server_pid")
  server_url=""
  for _ in $(seq 1 3000); do
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "the $label server stopped"; exit 1; }
    [ -n "$server_url" ] || server_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log.out" 2>/dev/null | head -n 1 || true)
    if [ -n "$server_url" ] && curl -sf "$server_url/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.01
  done
  [ -n "$server_url" ] || { echo "the $label server printed no URL"; exit 1; }
  ready_ms=$(( $(now_ms) - started ))
  # Its start-up run-due (every authority) runs beside the first requests; wait for it.
  for _ in $(seq 1 1200); do grep -q 'run-due' "$log" && break; sleep 0.1; done
  echo "$label server at $server_url, ready in ${ready_ms} ms; its start-up run-due done $(( $(now_ms) - started - ready_ms )) ms later"
}

stop_server() { # pid
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
}

peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

sign_in_pair() { # url -> sets authority, manager, member, manager_token, worker_token
  local url=$1 org expires
  expires=$(date -u -d '+30 days' +%F)
  for authority in demo-018 demo-002 demo-003 demo-004 demo-006; do
    org=$(PATHWAY_DATABASE_URL="$url" "$pathway" authority show "$authority" --json)
    manager=$(echo "$org" | jq -r '[.units[] | select(.kind == "team" and .workers >= 3)
      | .posts[] | select(.holder != null) | .holder.employee_number] | first // empty')
    [ -n "$manager" ] && break
  done
  [ -n "$manager" ] || { echo "no team manager found in the national demo"; exit 1; }
  PATHWAY_DATABASE_URL="$url" "$pathway" account create --authority "$authority" --worker "$manager" \
    --username bench-manager >/dev/null
  manager_token=$(PATHWAY_DATABASE_URL="$url" "$pathway" token create --authority "$authority" \
    --account bench-manager --scope read --scope write --expires "$expires" --name bench --json | jq -r .token)
}

pick_member() { # server_url -> sets member, worker_token (needs the manager's token)
  local url=$1 db=$2 expires
  expires=$(date -u -d '+30 days' +%F)
  member=$(curl -sf -H "Authorization: Bearer $manager_token" \
    "$url/api/v1/authorities/$authority/workers?limit=200" |
    jq -r '[.items[] | select(.seen_as == "team")] | first | .employee_number // empty')
  [ -n "$member" ] || { echo "the team manager sees no one in their team"; exit 1; }
  PATHWAY_DATABASE_URL="$db" "$pathway" account create --authority "$authority" --worker "$member" \
    --username bench-worker >/dev/null
  worker_token=$(PATHWAY_DATABASE_URL="$db" "$pathway" token create --authority "$authority" \
    --account bench-worker --scope read --scope write --expires "$expires" --name bench --json | jq -r .token)
  # The pages take a session, not a token: the worker signs in once with a password.
  echo "bench worker password $RANDOM$RANDOM" >"$scratch/password"
  PATHWAY_DATABASE_URL="$db" "$pathway" account set-password --authority "$authority" --username bench-worker \
    <"$scratch/password" >/dev/null
  worker_cookie=$(jq -n --arg p "$(cat "$scratch/password")" '{username: "bench-worker", password: $p}' |
    curl -sf -D - -o /dev/null -H 'content-type: application/json' --data @- "$url/api/v1/session" |
    sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p' | head -n 1)
  [ -n "$worker_cookie" ] || { echo "the bench worker could not sign in for the pages"; exit 1; }
  echo "signed in: team manager $manager and $member of their team, in $authority"
}

write_bodies() {
  local boundary=pathwaybenchboundary
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="evidence"\r\n\r\n' "$boundary"
    printf '{"kind":"reflective-summary","date":"%s","title":"Reflective summary: a home visit",' "$(date -u +%F)"
    printf '"text":"I planned the visit with my manager and reflected on it in supervision.",'
    printf '"pcf":["pcf.6"],"kss":["cfp.3"]}\r\n'
    printf -- '--%s\r\nContent-Disposition: form-data; name="why"\r\n\r\nfor my portfolio\r\n' "$boundary"
    printf -- '--%s--\r\n' "$boundary"
  } >"$scratch/evidence.body"
  evidence_type="multipart/form-data; boundary=$boundary"
  printf '{"held_on":"%s","outcome":"meeting-expectations","summary":"Mid-year review"}' "$(date -u +%F)" \
    >"$scratch/appraisal.body"
}
write_bodies

serve_section() { # label db_url
  local label=$1 db=$2 base detail
  step "pathway serve on $label"
  sign_in_pair "$db"
  start_server "$label" "$db" "$scratch/serve-$label.log"
  record core "serve $label" "start-up to ready" "$ready_ms" ms "national database; /healthz answers"
  pick_member "$server_url" "$db"
  local pid=$server_pid
  base="$server_url/api/v1/authorities/$authority"
  detail="$base/workers/$member"
  local manager_auth="Authorization: Bearer $manager_token" worker_auth="Authorization: Bearer $worker_token"
  for c in 1 16; do
    load_run "$label" "worker detail (JSON)" "$detail" "$c" -H "$manager_auth"
    load_run "$label" "worker eligibility (JSON)" "$detail/eligibility" "$c" -H "$manager_auth"
    load_run "$label" "team list (JSON, 50 a page)" "$base/workers" "$c" -H "$manager_auth"
    load_run "$label" "worker dashboard page (HTML, /home)" "$server_url/home" "$c" -H "Cookie: $worker_cookie"
  done
  # Mixed: 12 readers of the worker detail, 2 adding evidence, 2 recording appraisals.
  local f1="$scratch/mixed-read.json" f2="$scratch/mixed-evidence.json" f3="$scratch/mixed-appraisal.json"
  "$oha" -z "${seconds}s" -c 12 -w --no-tui --output-format json -H "$manager_auth" "$detail" >"$f1" &
  local r=$!
  "$oha" -z "${seconds}s" -c 2 -w --no-tui --output-format json -m POST -H "$worker_auth" \
    -T "$evidence_type" -D "$scratch/evidence.body" "$detail/evidence" >"$f2" &
  local e=$!
  "$oha" -z "${seconds}s" -c 2 -w --no-tui --output-format json -m POST -H "$manager_auth" \
    -T application/json -D "$scratch/appraisal.body" "$detail/appraisals" >"$f3" &
  local a=$!
  wait "$r" "$e" "$a"
  summarise "$label" "mixed: worker detail read" 12 "$f1"
  summarise "$label" "mixed: evidence added" 2 "$f2"
  summarise "$label" "mixed: appraisal recorded" 2 "$f3"
  record core "serve $label" "peak RSS under load" "$(peak_rss_mb "$pid")" MB "one server, after every run above"
  stop_server "$pid"
}

serve_section sqlite "$sqlite_url"
serve_section postgres "$pg_url"

step "two pathway serve processes on one PostgreSQL"
start_server "postgres one" "$pg_url" "$scratch/serve-pg1.log"
one_pid=$server_pid one_url=$server_url
start_server "postgres two" "$pg_url" "$scratch/serve-pg2.log"
two_pid=$server_pid two_url=$server_url
path="/api/v1/authorities/$authority/workers/$member"
"$oha" -z "${seconds}s" -c 8 -w --no-tui --output-format json -H "Authorization: Bearer $manager_token" \
  "$one_url$path" >"$scratch/two-1.json" &
p1=$!
"$oha" -z "${seconds}s" -c 8 -w --no-tui --output-format json -H "Authorization: Bearer $manager_token" \
  "$two_url$path" >"$scratch/two-2.json" &
p2=$!
wait "$p1" "$p2"
summarise "postgres, two servers" "worker detail, server one" 8 "$scratch/two-1.json"
summarise "postgres, two servers" "worker detail, server two" 8 "$scratch/two-2.json"
combined=$(jq -s 'map(.summary.requestsPerSec) | add | . * 10 | round / 10' "$scratch/two-1.json" "$scratch/two-2.json")
record core "serve postgres, two servers" "combined worker detail throughput (2 × c=8)" "$combined" rps ""
stop_server "$one_pid"
stop_server "$two_pid"

# ---------------------------------------------------------------------------------------
step "results"
stamp=$(date -u +%Y-%m-%dT%H%MZ)
table="$out_dir/results-$stamp.md"
python3 - "$results" "$machine" "$seconds" "$quick" >"$table" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
machine, seconds, quick = sys.argv[2], sys.argv[3], sys.argv[4] == "true"
base = {}
for r in rows:
    if r[0] == "load" and r[1] == "baseline":
        base[r[2].rsplit("(c=", 1)[1]] = float(r[3])
print(f"Machine: {machine}. Load runs of {seconds} s each{' (quick mode)' if quick else ''}.\n")
print("| area | measure | value | note |")
print("|---|---|---|---|")
for r in rows:
    if r[0] == "core":
        print(f"| {r[1]} | {r[2]} | {r[3]} {r[4]} | {r[5] if len(r) > 5 else ''} |")
print()
print("| server | request | rps | p50 ms | p99 ms | share of baseline | errors / answered | non-2xx |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if r[0] == "load":
        c = r[2].rsplit("(c=", 1)[1]
        share = base.get(c) if c in base else base.get("16")
        ratio = f"{float(r[3]) / share:.1%}" if share else "—"
        print(f"| {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {ratio} | {r[6]} / {r[7]} | {r[8] if len(r) > 8 else ''} |")
PY
cp "$table" "$out_dir/latest.md"
cat "$table"
echo
echo "written to $table (and target/bench/latest.md)"
