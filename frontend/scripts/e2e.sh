#!/usr/bin/env bash
# Runs the Playwright end-to-end suite against a fresh Switchboard server.
#
#   BIN=../bin/switchboard scripts/e2e.sh [playwright args…]
#
# Starts "$BIN serve" on a free loopback port with an empty data directory (so the first-run
# setup is offered), a throwaway SNS signing certificate pinned through SWITCHBOARD_SNS_CERT_DIR
# (its key goes to the tests as E2E_SNS_KEY / E2E_SNS_CERT_NAME, to sign alarms) and loopback
# webhook deliveries allowed (SWITCHBOARD_OUTBOUND_ALLOW), the fake Slack Web API
# (../scripts/fakeslack, built once with `go build`, on another free port; the server gets
# SWITCHBOARD_SLACK_API_URL, the tests E2E_FAKESLACK_URL / E2E_SLACK_TOKEN / E2E_SLACK_CHANNEL;
# required: the suite fails without it), waits for /healthz, runs `npm run e2e`,
# and stops both on exit. The
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

free_port() {
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
  '
}
port="$(free_port)"
url="http://127.0.0.1:${port}"
data_dir="$(mktemp -d)"
log="$(mktemp)"
server_pid=""
status=1

# The fake Slack Web API (models/slacktest) the Slack spec connects a workspace to.
slack_channel=C0E2E0001
fake_dir="$(mktemp -d)"
fake_log="$fake_dir/fakeslack.log"
fake_pid=""
fake_url=""
slack_token=""

cleanup() {
  if [[ -n "$fake_pid" ]] && kill -0 "$fake_pid" 2>/dev/null; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
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
  rm -rf "$data_dir" "$sns_cert_dir" "$sns_key_dir" "$fake_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

slack_env=()
if ! (cd .. && go build -o "$fake_dir/fakeslack" ./scripts/fakeslack); then
  echo "e2e: the fake Slack (scripts/fakeslack) does not build; the Slack spec needs it" >&2
  exit 1
fi
{
  fake_port="$(free_port)"
  "$fake_dir/fakeslack" -addr "127.0.0.1:${fake_port}" -channel "$slack_channel" \
    -user "U0E2E0001=otto@example.test" >"$fake_log" 2>&1 &
  fake_pid=$!
  deadline=$((SECONDS + 20))
  until grep -q 'bot token' "$fake_log" 2>/dev/null; do
    if ! kill -0 "$fake_pid" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "e2e: the fake Slack did not start:" >&2
      cat "$fake_log" >&2
      exit 1
    fi
    sleep 0.2
  done
  fake_url="http://127.0.0.1:${fake_port}"
  slack_token="$(sed -n 's/.*bot token \([^)]*\)).*/\1/p' "$fake_log" | head -n1)"
  slack_env=(SWITCHBOARD_SLACK_API_URL="$fake_url/api/")
  echo "e2e: fake Slack Web API at $fake_url"
}

echo "e2e: starting $BIN serve on $url (data dir $data_dir)"
env "${slack_env[@]}" \
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
  E2E_FAKESLACK_URL="$fake_url" \
  E2E_SLACK_TOKEN="$slack_token" \
  E2E_SLACK_CHANNEL="$slack_channel" \
  npm run --silent e2e -- "$@"
status=$?
set -e
exit "$status"
