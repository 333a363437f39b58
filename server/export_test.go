package server

import "net/http"

// HTTPHandler is the server's Echo handler (benchmarks call it without a socket).
func (m *Main) HTTPHandler() http.Handler { return m.echo }
