package sns

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// URLOptions loosen the URL rules for development.
type URLOptions struct {
	// EmulatorOrigin ("http://127.0.0.1:4566", from SWITCHBOARD_SNS_ENDPOINT) is trusted for
	// SigningCertURL and SubscribeURL in addition to the AWS hosts. Empty means off, which is
	// the only safe production setting: whoever controls that origin can sign messages.
	EmulatorOrigin string
}

// CheckEmulatorOrigin validates an EmulatorOrigin value, so a typo fails at start rather than
// silently trusting nothing.
func CheckEmulatorOrigin(origin string) error {
	_, err := parseOrigin(origin)
	return err
}

type origin struct{ scheme, host string }

func parseOrigin(s string) (origin, error) {
	u, err := url.Parse(s)
	if err != nil {
		return origin{}, fmt.Errorf("sns: emulator origin %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return origin{}, fmt.Errorf("sns: emulator origin %q must look like http://host:port", s)
	}
	return origin{scheme: u.Scheme, host: strings.ToLower(u.Host)}, nil
}

// topicARN is the part of an SNS topic ARN the URL rules need.
type topicARN struct {
	partition, region, account, name string
}

var (
	reARNPartition = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	reRegion       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	reAccount      = regexp.MustCompile(`^[0-9]{12}$`)
	reTopicName    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)
	// AWS names its certificates with 32 lowercase hex digits; the bound only keeps the name
	// usable as a file name in the pinned directory.
	reCertBase = regexp.MustCompile(`^SimpleNotificationService-[0-9a-f]{1,64}\.pem$`)
)

func parseTopicARN(s string) (topicARN, error) {
	p := strings.Split(s, ":")
	if len(p) != 6 || p[0] != "arn" || !reARNPartition.MatchString(p[1]) || p[2] != "sns" ||
		!reRegion.MatchString(p[3]) || !reAccount.MatchString(p[4]) || !reTopicName.MatchString(p[5]) {
		return topicARN{}, fmt.Errorf("not an SNS topic ARN")
	}
	return topicARN{partition: p[1], region: p[3], account: p[4], name: p[5]}, nil
}

// snsHost is the only host SNS uses for certificates and confirmation links in a region.
func snsHost(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "sns." + region + ".amazonaws.com.cn"
	}
	return "sns." + region + ".amazonaws.com"
}

// checkAuthority applies the rules shared by SigningCertURL and SubscribeURL and reports whether
// the URL is on the emulator origin. It returns a user-safe reason on failure.
func checkAuthority(raw, topic string, opts URLOptions) (*url.URL, bool, string) {
	if len(raw) > 2048 {
		return nil, false, "URL is too long"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return nil, false, "not a valid absolute URL"
	}
	if u.User != nil {
		return nil, false, "URL must not contain userinfo"
	}
	// url.Parse drops an empty fragment ("…pem#"), so look at the raw text too.
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, false, "URL must not contain a fragment"
	}
	if opts.EmulatorOrigin != "" {
		o, err := parseOrigin(opts.EmulatorOrigin)
		if err == nil && u.Scheme == o.scheme && strings.ToLower(u.Host) == o.host {
			return u, true, ""
		}
	}
	if u.Scheme != "https" {
		return nil, false, "URL must use https"
	}
	if u.Port() != "" || strings.HasSuffix(u.Host, ":") {
		return nil, false, "URL must not carry a port"
	}
	arn, err := parseTopicARN(topic)
	if err != nil {
		return nil, false, "cannot derive the region: TopicArn is not an SNS topic ARN"
	}
	if want := snsHost(arn.region); u.Host != want {
		return nil, false, fmt.Sprintf("host %q is not %q (the region of TopicArn)", clip(u.Host), want)
	}
	return u, false, ""
}

// ValidateCertURL checks that rawURL may be trusted as the SigningCertURL of a message from
// topic: https, host exactly sns.<region>.amazonaws.com (.com.cn for cn-* regions) with the
// region of topic, path /SimpleNotificationService-<hex>.pem, and no query, userinfo, port or
// fragment. On the emulator origin only the file name is checked.
//
// Errors: CodeBadCertURL.
func ValidateCertURL(rawURL, topic string, opts URLOptions) error {
	u, emulator, reason := checkAuthority(rawURL, topic, opts)
	if reason != "" {
		return errorf(CodeBadCertURL, "SigningCertURL: %s", reason)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return errorf(CodeBadCertURL, "SigningCertURL must not contain a query")
	}
	// An escaped path could decode to something the pattern below never saw.
	if u.EscapedPath() != u.Path {
		return errorf(CodeBadCertURL, "SigningCertURL path must not be percent-encoded")
	}
	dir, base, _ := cutLast(u.Path, "/")
	if !reCertBase.MatchString(base) {
		return errorf(CodeBadCertURL, "SigningCertURL file name must look like SimpleNotificationService-<hex>.pem")
	}
	// LocalStack serves its certificate under a path prefix (/_aws/sns/); AWS never does.
	if dir != "" && (!emulator || strings.Contains(u.Path, "/../") || strings.Contains(u.Path, "/./")) {
		return errorf(CodeBadCertURL, "SigningCertURL path must be /%s", base)
	}
	return nil
}

// ValidateSubscribeURL checks that rawURL may be fetched to confirm a subscription to topic:
// the same scheme and host rules as ValidateCertURL, path "/", exactly one Action
// (ConfirmSubscription), exactly one TopicArn equal to topic and exactly one non-empty Token.
//
// Errors: CodeBadSubscribeURL. The messages never include the token.
func ValidateSubscribeURL(rawURL, topic string, opts URLOptions) error {
	u, emulator, reason := checkAuthority(rawURL, topic, opts)
	if reason != "" {
		return errorf(CodeBadSubscribeURL, "SubscribeURL: %s", reason)
	}
	if !emulator && u.Path != "" && u.Path != "/" {
		return errorf(CodeBadSubscribeURL, "SubscribeURL path must be /")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return errorf(CodeBadSubscribeURL, "SubscribeURL query is malformed")
	}
	one := func(key string) (string, bool) {
		v := q[key]
		return strings.Join(v, ""), len(v) == 1
	}
	if v, ok := one("Action"); !ok || v != "ConfirmSubscription" {
		return errorf(CodeBadSubscribeURL, "SubscribeURL must carry exactly one Action=ConfirmSubscription")
	}
	if v, ok := one("TopicArn"); !ok || v != topic {
		return errorf(CodeBadSubscribeURL, "SubscribeURL TopicArn does not match the message TopicArn %q", clip(topic))
	}
	if v, ok := one("Token"); !ok || v == "" {
		return errorf(CodeBadSubscribeURL, "SubscribeURL must carry exactly one non-empty Token")
	}
	return nil
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return "", s, false
}

// certBasename returns the file name of a certificate URL, or "" when the URL does not end in
// an SNS certificate name. The pinned directory is looked up by this name only.
func certBasename(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	_, base, _ := cutLast(u.Path, "/")
	if !reCertBase.MatchString(base) {
		return ""
	}
	return base
}
