// Package deliver makes one HTTP delivery attempt of a signed outbound webhook (design §6.4, §6.5)
// or approval request (§7.3) and classifies its outcome. It does not log, store or schedule
// anything: the delivery and approval jobs record the [Result] and decide what happens next, with
// [Backoff] and [Result.NextDelay] for the retry schedule (models/retry).
//
// Decisions (each has a test):
//
//   - Outcomes: 2xx → Succeeded; 5xx (and any status ≥ 500), 408, 429, timeouts, DNS, connection
//     and TLS errors, and a connection closed without an answer → Retry; 410 → Gone; other 4xx →
//     Failed. With Request.Approval, 102 Processing (informational or as a final status line) and
//     202 → Pending; the caller reads the answer with scalr.ParseApprovalAnswer.
//   - Redirects: every 3xx with a Location is followed by re-sending the same POST with the same
//     body and the same headers (signed once per attempt: one Date for every hop), up to
//     Config.MaxRedirects (5). One more 3xx after that is Failed with class too_many_redirects: a
//     redirect loop or chain does not heal by retrying, like a 404. A 3xx without a usable Location,
//     a Location that is not http(s), or a downgrade from https to http is Failed with class
//     redirect (the downgrade would send a payload the user expected to travel encrypted in clear).
//     Credentials in the endpoint URL (https://user:pass@host/) are sent as Basic authorization to
//     hops with the same scheme and host only, and are shown as redacted in Result.RequestHeaders.
//   - Timeout: Request.Timeout bounds the whole attempt, redirect hops included: resolution,
//     connection, TLS handshake, response headers and reading the capped response body.
//   - HA endpoints: the sender resolves host names itself and tries the addresses in the order the
//     resolver returns them. A connection or TLS handshake failure on one address moves on to the
//     next within the same attempt. Each address gets a fair share of what is left of the attempt:
//     remaining time / addresses not yet tried, so an address that refuses at once leaves its share
//     to the next ones and a black-holed one cannot starve them. Result.RemoteAddr is the address
//     that answered; when one answers, failures on the others are not reported.
//   - TLS: SNI and certificate verification use the URL's host name, never the dialled IP. HTTP/1.1
//     only (1xx handling is tested over it); connections are pooled per scheme and host:port.
//     Proxies are not used: the guard must see the real destination.
//   - Outbound guard ([Guard]): checked at dial time on every resolved address, before connecting.
//     A deny-list match wins over everything (operators can block a subnet inside an allowed
//     range); then an allow-list match permits; then the defaults refuse loopback, link-local (incl.
//     169.254.169.254 and fd00:ec2::254, the cloud metadata services), multicast, unspecified,
//     0.0.0.0/8, broadcast and IPv4-compatible IPv6; anything else, private ranges included, is
//     allowed. IPv4-mapped IPv6 addresses are judged as their IPv4 address. Refused addresses are
//     skipped; when every address of a host is refused the attempt is Failed with class
//     refused_by_guard (retrying does not help; an operator or a DNS change must act first).
//   - Retry-After on 429 and 503 (seconds or HTTP-date) is capped at MaxRetryAfter; NextDelay uses
//     the larger of it and the backoff, so "Retry-After: 0" cannot make a hot loop.
//   - Response bodies are read up to MaxResponseBody (4 KiB); Truncated says there was more.
//   - Error messages are user-safe: they never contain the URL (its path or query may be a
//     secret, e.g. a Slack webhook), the body or the key.
package deliver
