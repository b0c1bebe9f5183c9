// Package tee passes an HTTP response on to the client and keeps a copy,
// for middleware that stores answers (idempotent replays, the dashboard
// cache).
package tee

import (
	"bytes"
	"net/http"
)

// Writer writes a response through to its ResponseWriter and keeps its
// status and body.
type Writer struct {
	http.ResponseWriter
	Status int
	Body   bytes.Buffer
}

// New returns a Writer over w; the status is 200 until WriteHeader.
func New(w http.ResponseWriter) *Writer {
	return &Writer{ResponseWriter: w, Status: http.StatusOK}
}

func (t *Writer) WriteHeader(status int) {
	t.Status = status
	t.ResponseWriter.WriteHeader(status)
}

func (t *Writer) Write(b []byte) (int, error) {
	t.Body.Write(b)
	return t.ResponseWriter.Write(b)
}
