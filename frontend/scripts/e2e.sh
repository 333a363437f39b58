#!/usr/bin/env bash
# Runs the Playwright end-to-end suite against a fresh Switchboard server.
#
#   BIN=../bin/switchboard scripts/e2e.sh [playwright args…]
#
# Starts "$BIN serve" on a free loopback port with an empty data directory (so the first-run
# setup is offered), a throwaway SNS signing certificate pinned through SWITCHBOARD_SNS_CERT_DIR
# (its key goes to the tests as E2E_SNS_KEY / E2E_SNS_CERT_NAME, to sign alarms) and loopback
# webhook deliveries allowed (SWITCHBOARD_OUTBOUND_ALLOW), waits for /healthz, runs `npm run e2e`,
# and stops the server on exit. The
# binary embeds the console, so build the front end (`npm run build`) before the binary.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." # frontend/

BIN="${BIN:-../bin/switchboard}"
if [[ ! -x "$BIN" ]]; then
  echo "e2e: no executable at $BIN; build it first: (cd .. && go build -o bin/switchboard .)" >&2
  exit 2
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# Debian's Chromium; Playwright's own browser downloads are not reachable here.
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  if [[ "$CHROMIUM_PATH" != /usr/bin/chromium ]]; then
    echo "e2e: CHROMIUM_PATH=$CHROMIUM_PATH is not executable" >&2
    exit 2
  fi
  echo "e2e: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [[ ! -d node_modules/@playwright/test ]]; then
  npm ci --no-audit --no-fund
fi

# A throwaway "SNS" signing certificate: the server trusts it through its pinned-certificate
# directory (named like the SigningCertURL's file), and the tests sign alarms with its key.
if ! command -v openssl >/dev/null 2>&1; then
  echo "e2e: installing Debian's openssl"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi
sns_cert_dir="$(mktemp -d)"
sns_key_dir="$(mktemp -d)"
sns_cert_name="SimpleNotificationService-$(openssl rand -hex 16).pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sns.amazonaws.com" \
  -keyout "$sns_key_dir/sns-key.pem" -out "$sns_cert_dir/$sns_cert_name" 2>/dev/null

port="$(node -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
')"
url="http://127.0.0.1:${port}"
data_dir="$(mktemp -d)"
log="$(mktemp)"
server_pid=""
status=1

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [[ "$status" -ne 0 ]]; then
    echo "e2e: failed; server log ($log):" >&2
    sed 's/^/  server| /' "$log" >&2 || true
  fi
  rm -rf "$data_dir" "$sns_cert_dir" "$sns_key_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "e2e: starting $BIN serve on $url (data dir $data_dir)"
SWITCHBOARD_DATA_DIR="$data_dir" \
  SWITCHBOARD_ADDR="127.0.0.1:${port}" \
  SWITCHBOARD_PUBLIC_URL="$url" \
  SWITCHBOARD_SNS_CERT_DIR="$sns_cert_dir" \
  SWITCHBOARD_OUTBOUND_ALLOW=127.0.0.0/8 \
  "$BIN" serve >"$log" 2>&1 &
server_pid=$!

healthy() {
  node -e '
    fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
  ' "$url/healthz"
}

deadline=$((SECONDS + 60))
until healthy; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited before it was healthy" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "e2e: $url/healthz did not answer within 60 s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "e2e: server is healthy"

set +e
SWITCHBOARD_E2E_URL="$url" \
  E2E_SNS_KEY="$sns_key_dir/sns-key.pem" \
  E2E_SNS_CERT_NAME="$sns_cert_name" \
  npm run --silent e2e -- "$@"
status=$?
set -e
exit "$status"
