#!/usr/bin/env python3
"""A Scalr-compatible webhook receiver for end-to-end tests (Python 3 standard library only).

It checks requests the way Scalr's published Python webhook handlers do:

  * X-Signature must be the lowercase hex HMAC-SHA1, keyed with the signing key's bytes, of the
    raw body bytes followed by the Date header, compared with hmac.compare_digest;
  * Date must parse (Scalr format "Wed 06 Sep 2017 12:21:17 UTC", optionally with a comma after
    the day name as in RFC 1123; zone UTC, GMT or +hhmm/-hhmm) and must carry a zone, and be
    less than 300 s away from now.

A request failing any of these is answered 403. The Standard Webhooks signature (webhook-id,
webhook-timestamp, webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>") is checked
too and recorded, but never causes a refusal. Its HMAC key is the signing key base64-decoded when
the key is well-formed padded base64 (every generated key), else the key's raw bytes, which is
what Switchboard signs with (models/scalr StandardKey).

Every POST appends one JSON line to --log:
  {"webhookId", "eventName", "eventId", "verified", "standardWebhooks", "status", "attempt",
   "receivedAt", "path", "reason" (only when refused)}
"verified" is true only for requests whose X-Signature and Date passed; "attempt" counts verified
requests per webhook id. A body that is verified but not JSON is answered 400.

Usage:
  scalr_receiver.py --port 0 --key-file KEY --log out.jsonl [--fail-first N] [--status CODE]
The first stdout line is "LISTENING <port>". The key comes from --key-file (trailing whitespace
stripped) or the SCALR_SIGNING_KEY environment variable.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 10 * 1024 * 1024

MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1
    )
}
# Parsed by hand rather than with strptime so the locale cannot change the day and month names and
# so a missing zone is told apart from a bad date.
DATE_RE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})"
    r"(?: (UTC|GMT|[+-]\d{4}))?$"
)


def parse_date(value):
    """Return (aware datetime, None) or (None, reason)."""
    match = DATE_RE.match(value)
    if not match:
        return None, "unparseable date"
    day, month, year, hour, minute, second, zone = match.groups()
    if month not in MONTHS:
        return None, "unparseable date"
    if zone is None:
        return None, "date without zone"
    if zone in ("UTC", "GMT"):
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])))
    try:
        parsed = datetime.datetime(
            int(year), MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=tz
        )
    except ValueError:
        return None, "unparseable date"
    return parsed, None


def scalr_signature(key, body, date):
    return hmac.new(key, body + date.encode("utf-8"), hashlib.sha1).hexdigest()


def verify_scalr(key, body, date, signature, now):
    """Return None when the request is authentic and fresh, else the reason for refusing it."""
    if not date or not signature:
        return "missing Date or X-Signature"
    if not hmac.compare_digest(scalr_signature(key, body, date), signature):
        return "signature mismatch"
    parsed, reason = parse_date(date)
    if reason:
        return reason
    if abs((now - parsed).total_seconds()) >= MAX_AGE_SECONDS:
        return "stale date"
    return None


def standard_key(key):
    """The Standard Webhooks HMAC key for a signing key (same rule as models/scalr StandardKey)."""
    if not key or len(key) % 4:
        return key
    stripped = key
    for _ in range(2):
        if stripped.endswith(b"="):
            stripped = stripped[:-1]
    if not re.fullmatch(rb"[A-Za-z0-9+/]*", stripped):
        return key
    try:
        decoded = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return key
    return decoded or key


def verify_standard(key, body, headers, now):
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and timestamp and signatures):
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent) > MAX_AGE_SECONDS:
        return False
    signed = msg_id.encode("utf-8") + b"." + timestamp.encode("utf-8") + b"." + body
    expected = hmac.new(standard_key(key), signed, hashlib.sha256).digest()
    for entry in signatures.split():
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            candidate = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(expected, candidate):
            return True
    return False


class Receiver:
    """State shared by the request handlers."""

    def __init__(self, key, log_path, fail_first, status, body):
        self.key = key
        self.log_path = log_path
        self.fail_first = fail_first
        self.status = status
        self.body = body
        self.lock = threading.Lock()
        self.attempts = {}
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None

    def next_attempt(self, webhook_id):
        with self.lock:
            self.attempts[webhook_id] = self.attempts.get(webhook_id, 0) + 1
            return self.attempts[webhook_id]

    def record(self, entry):
        if not self.log_file:
            return
        line = json.dumps(entry, separators=(",", ":"), sort_keys=False)
        with self.lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()


class BodyError(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def make_handler(receiver, verbose):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "scalr-receiver/1"

        def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's signature)
            if verbose:
                super().log_message(format, *args)

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self.read_chunked()
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                raise BodyError(400, "bad Content-Length")
            if length < 0 or length > MAX_BODY_BYTES:
                raise BodyError(413, "body too large")
            return self.rfile.read(length)

        def read_chunked(self):
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise BodyError(400, "bad chunk")
                if size == 0:
                    while self.rfile.readline(1024).strip():  # trailers
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise BodyError(413, "body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)  # CRLF after the chunk

        def answer(self, status, payload):
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.answer(200, {"ok": True})

        def do_POST(self):
            try:
                body = self.read_body()
            except BodyError as err:
                self.close_connection = True
                self.answer(err.status, {"error": err.reason})
                return
            now = datetime.datetime.now(datetime.timezone.utc)
            webhook_id = self.headers.get("X-Scalr-Webhook-Id")
            reason = verify_scalr(
                receiver.key, body, self.headers.get("Date"), self.headers.get("X-Signature"), now
            )
            entry = {
                "webhookId": webhook_id,
                "eventName": None,
                "eventId": None,
                "verified": reason is None,
                "standardWebhooks": verify_standard(receiver.key, body, self.headers, now),
                "status": None,
                "attempt": None,
                "receivedAt": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "path": self.path,
            }
            if reason is not None:
                status, response = 403, {"error": reason}
                entry["reason"] = reason
            else:
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = None
                if not isinstance(payload, dict):
                    status, response = 400, {"error": "body is not a JSON object"}
                    entry["reason"] = "invalid json"
                else:
                    entry["eventName"] = payload.get("eventName")
                    entry["eventId"] = payload.get("eventId")
                    entry["attempt"] = receiver.next_attempt(webhook_id or "")
                    if entry["attempt"] <= receiver.fail_first:
                        status, response = 500, {"error": "failing on purpose"}
                    else:
                        status = receiver.status
                        response = receiver.body if receiver.body is not None else {"ok": True}
            entry["status"] = status
            receiver.record(entry)
            self.answer(status, response)

    return Handler


def status_code(text):
    code = int(text)
    if not 200 <= code <= 599:
        raise argparse.ArgumentTypeError("status must be a final status, 200-599")
    return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--key-file", help="file holding the signing key (default: $SCALR_SIGNING_KEY)")
    parser.add_argument("--log", help="JSONL file, one line appended per POST")
    parser.add_argument("--fail-first", type=int, default=0, metavar="N",
                        help="answer 500 to the first N verified requests of each webhook id")
    parser.add_argument("--status", type=status_code, default=200, metavar="CODE",
                        help="status of accepted requests (default 200)")
    parser.add_argument("--body", help="JSON text answered to accepted requests (default {\"ok\": true})")
    parser.add_argument("--verbose", action="store_true", help="access log on stderr")
    args = parser.parse_args()

    if args.key_file:
        with open(args.key_file, "rb") as f:
            key = f.read().rstrip(b" \t\r\n")
    else:
        key = os.environ.get("SCALR_SIGNING_KEY", "").encode("utf-8")
    if not key:
        parser.error("no signing key: give --key-file or set SCALR_SIGNING_KEY")
    body = None
    if args.body is not None:
        json.loads(args.body)  # fail at start, not at the first request
        body = args.body.encode("utf-8")

    receiver = Receiver(key, args.log, args.fail_first, args.status, body)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(receiver, args.verbose))
    server.daemon_threads = True
    print("LISTENING %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
