#!/usr/bin/env bash
# Property-based tests of the JSON API against the CHECKED-IN openapi.json (not the one the
# server serves: the file is the contract integrations read). Starts `pathway serve --demo`
# on a scratch SQLite file and port 0, creates a read/write API token for the demo HR
# administrator (who sees all of Bexley), and runs schemathesis with every check: no 5xx,
# every status, content type, header and body as the document declares, schema-valid
# requests accepted and schema-invalid ones refused, 405 for undeclared methods, auth not
# ignored. Fails on any failure or if fewer than PATHWAY_SCHEMATHESIS_MIN_REQUESTS
# requests reached the server. The server is stopped whatever happens.
#
# Settings (environment): PATHWAY_SCHEMATHESIS_EXAMPLES (examples per operation and phase,
# default 120), PATHWAY_SCHEMATHESIS_SEED (default 20261129), PATHWAY_SCHEMATHESIS_MIN_REQUESTS
# (default 2000), PATHWAY_CI_CACHE (where the venv is kept, default ~/.cache/pathway-ci).
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${PATHWAY_SCHEMATHESIS_EXAMPLES:-120}"
seed="${PATHWAY_SCHEMATHESIS_SEED:-20261129}"
min_requests="${PATHWAY_SCHEMATHESIS_MIN_REQUESTS:-2000}"
cache="${PATHWAY_CI_CACHE:-$HOME/.cache/pathway-ci}"
venv="$cache/schemathesis-venv"
requirements="scripts/schemathesis-requirements.txt"

# The venv is rebuilt when the pinned requirements change.
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi

cargo build -q -p pathway-cli --locked
pathway="$PWD/target/debug/pathway"

scratch=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "${PATHWAY_SCHEMATHESIS_KEEP:-}" ] && cp "$scratch/serve.log" "$PATHWAY_SCHEMATHESIS_KEEP"
  rm -rf "$scratch"
}
trap stop_server EXIT INT TERM

export PATHWAY_DATABASE_URL="$scratch/pathway.db"
# Every request's method, path and status (tower-http), to count what reached the server.
RUST_LOG="warn,tower_http=debug" "$pathway" serve --demo --bind 127.0.0.1:0 >"$scratch/serve.out" 2>"$scratch/serve.log" &
server_pid=$!
url=""
for _ in $(seq 1 150); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$scratch/serve.out" 2>/dev/null | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/serve.log"; echo "the demo server did not start"; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "the demo server printed no URL"; exit 1; }
echo "demo server at $url"

expires=$(date -u -d '+180 days' +%F)
token=$("$pathway" token create --authority bexley --account demo-hr-admin --scope read --scope write \
  --expires "$expires" --name schemathesis --json | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Real ids, so generated requests reach records and not only 404s: the authority, the
# employee numbers the token may see and the bundled frameworks (from the API itself), each
# used most of the time.
numbers=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/authorities/bexley/workers?limit=200" |
  "$venv/bin/python" -c 'import json,sys; print(json.dumps([w["employee_number"] for w in json.load(sys.stdin)["items"]]))')
frameworks=$(curl -sf "$url/api/v1/frameworks" |
  "$venv/bin/python" -c 'import json,sys; print(json.dumps([f["id"] for f in json.load(sys.stdin)]))')
cat >"$scratch/schemathesis.toml" <<TOML
# No crash cache: each run stands alone and writes nothing into the checkout.
[cache]
enabled = false

[dictionaries.authorities]
values = ["bexley"]

[dictionaries.workers]
values = $numbers

[dictionaries.frameworks]
values = $frameworks

[parameters]
"path.authority" = { dictionary = "authorities", probability = 0.8 }
"path.number" = { dictionary = "workers", probability = 0.8 }
"query.framework" = { dictionary = "frameworks", probability = 0.8 }

# A schema-valid request may still be refused by the records: 412 when If-Match names
# another version, 422 when a rule refuses (not eligible, evidence incomplete). 400 is not
# here: it means malformed, and a request the document calls valid must never get it.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]
# Some bodies and parameters are described less exactly than the server reads them, so a
# request the document allows can still be malformed for the server (400). For these
# operations, and only for the "schema-valid request accepted" check, 400 is also taken;
# every other check still runs on them. Each says what the document does not yet say;
# describing it (or answering 409/422 where that is the truer status) removes the entry.
# /applications/{id}/steps/{step}/complete: the step's form (record) is one of six kinds, described only as an object
[[operations]]
include-path = "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/complete"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /applications/{id}/decide: exactly one of decision and panel, which the document does not say
[[operations]]
include-path = "/api/v1/authorities/{authority}/applications/{id}/decide"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /panels: the panel's members, described loosely
[[operations]]
include-path = "/api/v1/authorities/{authority}/panels"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /workers/{number}/evidence: the evidence part is JSON text the form's schema does not describe
[[operations]]
include-path = "/api/v1/authorities/{authority}/workers/{number}/evidence"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /imports/workers: the file's name must end .csv or .xlsx
[[operations]]
include-path = "/api/v1/authorities/{authority}/imports/workers"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /imports/organisation: the file's name must end .csv or .xlsx
[[operations]]
include-path = "/api/v1/authorities/{authority}/imports/organisation"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /workers/{number}/appraisals: names and notes must be single lines without control characters
[[operations]]
include-path = "/api/v1/authorities/{authority}/workers/{number}/appraisals"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /workers/{number}/attestations: an assessment names its standard set (a condition the document does not state)
[[operations]]
include-path = "/api/v1/authorities/{authority}/workers/{number}/attestations"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
# /workers/{number}/awards: names must be single lines without control characters
[[operations]]
include-path = "/api/v1/authorities/{authority}/workers/{number}/awards"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
TOML

status=0
# --max-time is a budget, not a cap: the outer timeout is the bound (a few minutes on two cores).
timeout 900 "$venv/bin/schemathesis" --config-file "$scratch/schemathesis.toml" run openapi.json \
  --url "$url" \
  -H "Authorization: Bearer $token" \
  --checks all \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 1 \
  --request-timeout 10 \
  --no-color || status=$?

requests=$(grep -c 'finished processing request' "$scratch/serve.log" || true)
echo "answers by status:"
grep -o 'finished processing request.*status=[0-9]*' "$scratch/serve.log" | grep -o 'status=[0-9]*' | sort | uniq -c || true
echo "schemathesis: $requests requests reached the server (at least $min_requests wanted)"
if [ "$status" -ne 0 ]; then
  echo "schemathesis failed (exit $status)"
  exit "$status"
fi
if [ "$requests" -lt "$min_requests" ]; then
  echo "too few requests: raise PATHWAY_SCHEMATHESIS_EXAMPLES"
  exit 1
fi
