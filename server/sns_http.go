package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/server/sns"
)

// SNS bodies are at most 256 KiB of message plus the envelope.
const snsBodyLimit = 256<<10 + 16<<10

type snsEdge struct {
	m        *Main
	verifier *sns.Verifier
	urls     sns.URLOptions
	client   *http.Client // SubscribeURL fetches: no redirects, short timeout
	messages *prometheus.CounterVec
	// batch applies verified Notifications in groups (group commit, docs/sns-batching.md).
	batch *models.NotificationBatcher
}

func (m *Main) newSNSEdge() (*snsEdge, error) {
	urls := sns.URLOptions{EmulatorOrigin: m.Config.SNSEndpoint}
	if urls.EmulatorOrigin != "" {
		if err := sns.CheckEmulatorOrigin(urls.EmulatorOrigin); err != nil {
			return nil, err
		}
	}
	base := m.SNSHTTPClient
	if base == nil {
		base = &http.Client{}
	}
	client := *base
	client.Timeout = 10 * time.Second
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	certs := sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: m.Config.SNSCertDir, Client: base})
	e := &snsEdge{
		m: m, urls: urls, client: &client,
		verifier: sns.NewVerifier(sns.VerifierConfig{Certs: certs, URLs: urls, Now: m.SNSClock}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_sns_messages_total", Help: "SNS requests by type and outcome.",
		}, []string{"type", "outcome"}),
	}
	groups := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "switchboard_sns_group_size", Help: "Notifications applied per SNS ingestion transaction (group commit).",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
	})
	groupFailures := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_sns_group_failures_total", Help: "SNS ingestion groups whose transaction failed (every request of the group was answered 503).",
	})
	m.metrics.registry.MustRegister(e.messages, groups, groupFailures)
	if m.Config.SNSGroupLanes == 0 && m.DB.Dialect == models.Postgres {
		return e, nil // one transaction per notification
	}
	e.batch = m.Store.NewNotificationBatcher(models.BatcherConfig{
		Lanes: m.Config.SNSGroupLanes,
		Observe: func(size int, _ time.Duration, err error) {
			groups.Observe(float64(size))
			if err != nil {
				groupFailures.Inc()
			}
		},
	})
	m.snsBatch = e.batch
	return e, nil
}

// handle is POST /webhooks/aws/:token. The checks run cheapest first (design §4); every
// refusal of a request that reached a real integration is recorded on it, so the console can
// say why AWS's messages are not arriving.
func (e *snsEdge) handle(c echo.Context) error {
	ctx := c.Request().Context()
	integ, err := e.m.Store.IntegrationByToken(ctx, c.Param("token"))
	if err != nil {
		if models.CodeOf(err) == models.ENOTFOUND {
			return c.NoContent(http.StatusNotFound)
		}
		return e.transient(c, nil, "", err)
	}
	log := e.m.Log.With("account_id", integ.AccountID, "integration_id", integ.ID)

	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, snsBodyLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return e.refuse(c, integ, nil, "too_large", "the body is larger than SNS ever sends (256 KiB)", http.StatusRequestEntityTooLarge)
		}
		return c.NoContent(http.StatusBadRequest)
	}
	msg, err := sns.ParseEnvelope(body)
	if err != nil {
		return e.refuse(c, integ, nil, string(sns.ErrorReason(err)), sns.ErrorMessage(err), http.StatusBadRequest)
	}
	log = log.With("message_id", msg.MessageID, "type", msg.Type)

	if err := e.verifier.Verify(ctx, msg); err != nil {
		if sns.IsTransient(err) {
			return e.transient(c, integ, msg.Type, err)
		}
		return e.refuse(c, integ, msg, string(sns.ErrorReason(err)), sns.ErrorMessage(err), http.StatusBadRequest)
	}
	// Only now is TopicArn trustworthy.
	if integ.TopicArn != "" && msg.TopicARN != integ.TopicArn {
		return e.refuse(c, integ, msg, "wrong_topic", "the integration is pinned to "+integ.TopicArn+"; this message is from "+msg.TopicARN, http.StatusForbidden)
	}
	if integ.ExpectedTopicArn != "" && msg.TopicARN != integ.ExpectedTopicArn {
		return e.refuse(c, integ, msg, "wrong_topic", "the integration accepts only "+integ.ExpectedTopicArn+"; this message is from "+msg.TopicARN, http.StatusForbidden)
	}

	m := models.SNSMessage{ID: msg.MessageID, Type: msg.Type, TopicArn: msg.TopicARN}
	var res *models.IngestResult
	switch msg.Type {
	case "SubscriptionConfirmation":
		res, err = e.confirm(ctx, integ, msg, m)
	case "UnsubscribeConfirmation":
		// Never GET anything here: visiting its SubscribeURL would subscribe again.
		res, err = e.m.Store.IngestUnsubscribeConfirmation(ctx, integ, m)
	default:
		alarm, perr := cloudwatch.Parse(msg.Message)
		why := ""
		if perr != nil {
			alarm, why = nil, perr.Error()
		}
		// Applied with the notifications arriving meanwhile, in one transaction; the answer
		// waits for its commit.
		if e.batch != nil {
			res, err = e.batch.Ingest(ctx, models.SNSNotification{Integration: integ, Message: m, Alarm: alarm, IgnoredWhy: why})
		} else {
			res, err = e.m.Store.IngestNotification(ctx, integ, m, alarm, why)
		}
	}
	if err != nil {
		if code := models.CodeOf(err); code == models.EFORBIDDEN {
			return e.refuse(c, integ, msg, "wrong_topic", models.ErrorMessage(err), http.StatusForbidden)
		}
		var se *sns.Error
		if errors.As(err, &se) {
			if se.Reason.Transient() {
				return e.transient(c, integ, msg.Type, err)
			}
			return e.refuse(c, integ, msg, string(se.Reason), sns.ErrorMessage(err), http.StatusBadRequest)
		}
		return e.transient(c, integ, msg.Type, err)
	}
	e.messages.WithLabelValues(msg.Type, res.Outcome).Inc()
	switch res.Outcome {
	case models.OutcomeOpened:
		e.m.metrics.incidents.WithLabelValues("opened").Inc()
	case models.OutcomeResolved:
		e.m.metrics.incidents.WithLabelValues("resolved").Inc()
	}
	log.InfoContext(ctx, "sns message", "outcome", res.Outcome, "incident_id", res.IncidentID)
	return c.NoContent(http.StatusOK)
}

// confirm decides the topic pin, fetches the SubscribeURL (validated; no redirects) and then
// records the confirmation. The pin is decided first, atomically in the database: of two
// concurrent confirmations of different topics for an unpinned integration only the one whose
// topic won confirms at AWS; the other is refused (403 wrong_topic) without a fetch. A failure
// to fetch releases the pin it took and is transient: answering 5xx makes SNS redeliver.
func (e *snsEdge) confirm(ctx context.Context, integ *models.AWSIntegration, msg *sns.Message, m models.SNSMessage) (*models.IngestResult, error) {
	if err := sns.ValidateSubscribeURL(msg.SubscribeURL, msg.TopicARN, e.urls); err != nil {
		return nil, err
	}
	if err := e.m.Store.PinTopic(ctx, integ, msg.TopicARN); err != nil {
		return nil, err
	}
	arn, err := e.fetchSubscribeURL(ctx, msg.SubscribeURL)
	if err != nil {
		// AWS did not confirm this topic (an expired token answers 4xx for good): release the
		// pin this confirmation took, so the integration's right topic can still confirm. The
		// release is conditional (still this topic, not confirmed), so it never undoes a pin
		// that a confirmation completed meanwhile.
		if uerr := e.m.Store.UnpinTopic(context.WithoutCancel(ctx), integ, msg.TopicARN); uerr != nil {
			e.m.Log.ErrorContext(ctx, "releasing an unconfirmed topic pin failed", "integration_id", integ.ID, "err", uerr)
		}
		return nil, err
	}
	return e.m.Store.IngestSubscriptionConfirmation(ctx, integ, m, arn)
}

// fetchSubscribeURL confirms the subscription at AWS and returns its subscription ARN.
func (e *snsEdge) fetchSubscribeURL(ctx context.Context, subscribeURL string) (string, error) {
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(fctx, http.MethodGet, subscribeURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return "", &sns.Error{Reason: sns.CodeConfirmFailed, Message: "could not reach the SubscribeURL", Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", &sns.Error{Reason: sns.CodeConfirmFailed, Message: "reading the ConfirmSubscription answer failed", Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return "", &sns.Error{Reason: sns.CodeConfirmFailed, Message: "ConfirmSubscription answered " + resp.Status}
	}
	return sns.ParseConfirmSubscriptionResponse(raw)
}

// refuse answers a request that must never be retried and records why on the integration.
func (e *snsEdge) refuse(c echo.Context, integ *models.AWSIntegration, msg *sns.Message, code, reason string, status int) error {
	ctx := c.Request().Context()
	typ, topic, id := "", "", ""
	if msg != nil {
		typ, topic, id = msg.Type, msg.TopicARN, msg.MessageID
	}
	e.messages.WithLabelValues(typ, "rejected_"+code).Inc()
	e.m.Log.WarnContext(ctx, "sns message refused", "account_id", integ.AccountID, "integration_id", integ.ID,
		"message_id", id, "type", typ, "outcome", "rejected", "reason_code", code)
	if err := e.m.Store.RecordSNSRejection(ctx, integ, code, reason, typ, topic); err != nil {
		// The refusal stands either way; only its record is missing.
		e.m.Log.ErrorContext(ctx, "recording an SNS rejection failed", "integration_id", integ.ID, "err", err)
	}
	return c.JSON(status, map[string]any{"error": map[string]string{"code": code, "message": reason}})
}

// transient answers 503 so SNS retries later (its retry policy treats any 2xx–4xx as delivered,
// which would drop the alarm).
func (e *snsEdge) transient(c echo.Context, integ *models.AWSIntegration, typ string, err error) error {
	e.messages.WithLabelValues(typ, "transient_error").Inc()
	// An SNS error's cause can carry the SubscribeURL (and its token): log only its reason.
	var logged any = err
	var se *sns.Error
	if errors.As(err, &se) {
		logged = string(se.Reason) + ": " + se.Message
	}
	attrs := []any{"err", logged, "type", typ}
	if integ != nil {
		attrs = append(attrs, "account_id", integ.AccountID, "integration_id", integ.ID)
	}
	e.m.Log.ErrorContext(c.Request().Context(), "sns message not processed; SNS will retry", attrs...)
	c.Response().Header().Set("Retry-After", "5")
	return c.JSON(http.StatusServiceUnavailable, map[string]any{"error": map[string]string{"code": "unavailable", "message": "temporarily unavailable; retry"}})
}
