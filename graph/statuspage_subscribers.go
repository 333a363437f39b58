package graph

import (
	"context"
	"strings"

	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
)

// Status page subscribers in the console (issue 11): count, list, remove. The resolvers in
// statuspage.resolvers.go call these.

func (r *Resolver) subscriberCount(ctx context.Context, p *models.StatusPage) (int, error) {
	return r.Store.SubscriberCount(ctx, models.ActorFrom(ctx), p)
}

func (r *Resolver) subscribers(ctx context.Context, p *models.StatusPage, first *int, after *string) (*model.StatusSubscriberConnection, error) {
	n := 50
	if first != nil {
		n = *first
	}
	pg, total, err := r.Store.ListSubscribers(ctx, models.ActorFrom(ctx), p.ID, n, deref(after))
	if err != nil {
		return nil, err
	}
	conn := &model.StatusSubscriberConnection{Nodes: make([]*models.StatusSubscriber, len(pg.Items)), PageInfo: pageInfo(pg.HasNextPage, pg.Cursors), TotalCount: total}
	for i := range pg.Items {
		conn.Nodes[i] = &pg.Items[i]
	}
	return conn, nil
}

func (r *Resolver) subscriberTopics(sub *models.StatusSubscriber) []model.SubscriberTopic {
	ts := models.SubscriberTopics(sub)
	out := make([]model.SubscriberTopic, len(ts))
	for i, t := range ts {
		out[i] = model.SubscriberTopic(strings.ToUpper(t))
	}
	return out
}

func (r *Resolver) removeSubscriber(ctx context.Context, id string) (*model.DeletePayload, error) {
	_, err := r.Store.RemoveSubscriber(ctx, models.ActorFrom(ctx), id)
	errs, err := userErrors(err)
	return deletePayload(id, errs), err
}
