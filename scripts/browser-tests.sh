#!/usr/bin/env bash
# The web pages in a real browser: Debian's Chromium driven by playwright-core (web/tests/),
# axe-core on every page visited, screenshots kept under target/browser-artefacts/.
# Installs Chromium when missing, installs web/'s npm packages, builds and starts
# `pathway serve --demo` on a scratch SQLite file and port 0, reads the URL and the demo
# worker's sign-in it prints, runs the tests (bounded in time) and stops the server
# whatever happens.
#
# Settings (environment): PATHWAY_BROWSER_TIMEOUT (seconds for the tests, default 600).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium_path=$(command -v chromium)

# `npm ci` when the installed packages are not the lock file's (it replaces node_modules,
# which makes cargo run pathway-server's build script again, so not every time).
if [ ! -d web/node_modules/playwright-core ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo build -q -p pathway-cli --locked
pathway="$PWD/target/debug/pathway"

artefacts="$PWD/target/browser-artefacts"
rm -rf "$artefacts"
mkdir -p "$artefacts"
scratch=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  cp "$scratch/serve.log" "$artefacts/serve.log" 2>/dev/null || true
  rm -rf "$scratch"
}
trap stop_server EXIT INT TERM

export PATHWAY_DATABASE_URL="$scratch/pathway.db"
"$pathway" serve --demo --bind 127.0.0.1:0 >"$scratch/serve.out" 2>"$scratch/serve.log" &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^Pathway is listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$scratch/serve.out" 2>/dev/null | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/serve.log"; echo "the demo server did not start"; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { cat "$scratch/serve.log"; echo "the demo server printed no URL"; exit 1; }

# "  worker   demo-worker   PASSWORD  (authority, employee number)"
read -r worker_username worker_password < <(awk '$1 == "worker" { print $2, $3; exit }' "$scratch/serve.out")
[ -n "${worker_password:-}" ] || { cat "$scratch/serve.out"; echo "the demo server printed no worker sign-in"; exit 1; }
# "  team manager   demo-team-manager   PASSWORD  (...)": the username, then the password.
read -r manager_username manager_password < <(awk '{ for (i = 1; i < NF; i++) if ($i == "demo-team-manager") { print $i, $(i + 1); exit } }' "$scratch/serve.out")
[ -n "${manager_password:-}" ] || { cat "$scratch/serve.out"; echo "the demo server printed no team manager sign-in"; exit 1; }
echo "browser tests against $url (Chromium: $chromium_path)"

# Aborted runs leave Chromium profiles behind: keep them in the scratch folder.
export TMPDIR="$scratch"
export PATHWAY_URL="$url" PATHWAY_WORKER_USERNAME="$worker_username" PATHWAY_WORKER_PASSWORD="$worker_password"
export PATHWAY_MANAGER_USERNAME="$manager_username" PATHWAY_MANAGER_PASSWORD="$manager_password"
export CHROMIUM="$chromium_path" PATHWAY_ARTEFACTS="$artefacts"
timeout "${PATHWAY_BROWSER_TIMEOUT:-600}" node --test --test-concurrency=1 web/tests/*.test.mjs
echo "screenshots: $artefacts"
