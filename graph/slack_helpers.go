package graph

import (
	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
)

// slackConnection is the GraphQL view of a workspace connection (nil: not connected), with the
// manifest for this installation. The bot token and signing secret never appear.
func (r *Resolver) slackConnection(ws *models.SlackWorkspace) *model.SlackConnection {
	l := r.Store.Links()
	out := &model.SlackConnection{Manifest: models.SlackManifest(l), InteractivityURL: l.SlackInteractivity(), CommandsURL: l.SlackCommands()}
	if ws != nil {
		out.Connected = true
		out.TeamID, out.TeamName, out.BotUserID, out.ConnectedBy = &ws.TeamID, &ws.TeamName, &ws.BotUserID, &ws.ConnectedBy
		out.ConnectedAt = &ws.UpdatedAt
	}
	return out
}
