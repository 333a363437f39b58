package links

// SubscriptionConfirm is the public page that confirms a status page subscription (a signed
// link: GET shows a button, POST confirms).
func (b Builder) SubscriptionConfirm(slug, token string) string {
	return b.join("status", slug, "confirm", token)
}

// Unsubscribe is the public page that ends a status page subscription (GET shows a button;
// POST unsubscribes, also as RFC 8058 one-click from List-Unsubscribe-Post).
func (b Builder) Unsubscribe(slug, token string) string {
	return b.join("status", slug, "unsubscribe", token)
}
