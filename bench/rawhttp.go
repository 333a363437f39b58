package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// rawConn is a minimal HTTP/1.1 client over one keep-alive connection, for the status page's
// open and closed loops: net/http's client cost the tool about 0.7 of a core at 10,000
// requests/s on a machine where the server, PostgreSQL and the tool share two cores, so the
// tool's own CPU use was part of the tail it measured. It sends pre-serialised GET requests
// and reads the answer: the status line, Content-Length or chunked transfer coding (or a body
// up to the connection's close), and the body, which is discarded (or copied to a sink for
// tests). One request at a time (no pipelining). A connection that fails is closed and dialled
// again by the next request.
type rawConn struct {
	addr    string
	timeout time.Duration
	conn    net.Conn
	r       *bufio.Reader
}

// rawResp is what the tool checks of an answer.
type rawResp struct {
	status   int
	bodyLen  int64
	encoding string // Content-Encoding, as sent ("" for none)
}

func newRawConn(addr string, timeout time.Duration) *rawConn {
	return &rawConn{addr: addr, timeout: timeout}
}

// rawGET serialises a GET of rawURL (http only) with the given extra header lines (each
// "Name: value"), once, for every request of a loop.
func rawGET(rawURL string, headers ...string) (addr string, req []byte, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", nil, err
	}
	if u.Scheme != "http" {
		return "", nil, fmt.Errorf("rawGET: %s: only http", rawURL)
	}
	addr = u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: switchboard-bench\r\n", u.RequestURI(), u.Host)
	for _, h := range headers {
		b.WriteString(h)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return addr, b.Bytes(), nil
}

func (c *rawConn) close() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn, c.r = nil, nil
	}
}

// do sends req and reads its answer; the body goes to sink (nil: discarded). On any error the
// connection is closed (the next call dials again).
func (c *rawConn) do(req []byte, sink io.Writer) (rawResp, error) {
	resp, keep, err := c.roundTrip(req, sink)
	if err != nil || !keep {
		c.close()
	}
	return resp, err
}

// dial opens the connection now (do dials on its first request otherwise).
func (c *rawConn) dial() error {
	if c.conn != nil {
		return nil
	}
	conn, err := net.DialTimeout("tcp", c.addr, c.timeout)
	if err != nil {
		return err
	}
	c.conn, c.r = conn, bufio.NewReaderSize(conn, 32<<10)
	return nil
}

func (c *rawConn) roundTrip(req []byte, sink io.Writer) (rawResp, bool, error) {
	fresh := false
	if c.conn == nil {
		if err := c.dial(); err != nil {
			return rawResp{}, false, err
		}
		fresh = true
	}
	if c.timeout > 0 {
		_ = c.conn.SetDeadline(time.Now().Add(c.timeout))
	}
	if _, err := c.conn.Write(req); err != nil {
		return rawResp{}, false, err
	}
	resp, keep, err := c.readResponse(sink)
	if err != nil && !fresh && resp.status == 0 && errors.Is(err, io.EOF) {
		// The server closed an idle keep-alive connection just before the request: send it
		// again on a new one (a GET is safe to repeat), as net/http does.
		c.close()
		return c.roundTrip(req, sink)
	}
	return resp, keep, err
}

var errRawProtocol = errors.New("rawhttp: malformed response")

// readResponse reads one answer (skipping 1xx interim answers).
func (c *rawConn) readResponse(sink io.Writer) (rawResp, bool, error) {
	for {
		line, err := c.readLine()
		if err != nil {
			return rawResp{}, false, err
		}
		// "HTTP/1.1 200 OK"
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
			return rawResp{}, false, fmt.Errorf("%w: status line %q", errRawProtocol, line)
		}
		status, err := atoi3(line[9:12])
		if err != nil {
			return rawResp{}, false, fmt.Errorf("%w: status line %q", errRawProtocol, line)
		}
		keep := line[7] == '1' // HTTP/1.0 closes unless told otherwise; it is not expected here
		resp := rawResp{status: status}
		length := int64(-1)
		chunked := false
		for {
			h, err := c.readLine()
			if err != nil {
				return resp, false, err
			}
			if len(h) == 0 {
				break
			}
			name, value, ok := bytes.Cut(h, []byte(":"))
			if !ok {
				return resp, false, fmt.Errorf("%w: header %q", errRawProtocol, h)
			}
			value = bytes.TrimSpace(value)
			switch {
			case asciiEqualFold(name, "Content-Length"):
				n, ok := parseLength(value)
				if !ok {
					return resp, false, fmt.Errorf("%w: Content-Length %q", errRawProtocol, value)
				}
				length = n
			case asciiEqualFold(name, "Transfer-Encoding"):
				if !asciiEqualFold(value, "chunked") {
					return resp, false, fmt.Errorf("%w: Transfer-Encoding %q", errRawProtocol, value)
				}
				chunked = true
			case asciiEqualFold(name, "Content-Encoding"):
				resp.encoding = encodingName(value)
			case asciiEqualFold(name, "Connection"):
				if asciiEqualFold(value, "close") {
					keep = false
				}
			}
		}
		if status >= 100 && status < 200 && status != 101 {
			continue // an interim answer; the real one follows
		}
		switch {
		case status == 204 || status == 304:
		case chunked:
			n, err := c.readChunked(sink)
			resp.bodyLen = n
			if err != nil {
				return resp, false, err
			}
		case length >= 0:
			n, err := c.body(sink, length)
			resp.bodyLen = n
			if err != nil {
				return resp, false, err
			}
		default:
			// No length: the body runs to the connection's close.
			n, err := c.copy(sink, c.r)
			resp.bodyLen = n
			return resp, false, err
		}
		return resp, keep, nil
	}
}

// readLine returns one header line without its CRLF; the slice is valid until the next read.
func (c *rawConn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("%w: header line longer than %d bytes", errRawProtocol, c.r.Size())
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

func (c *rawConn) body(sink io.Writer, n int64) (int64, error) {
	if sink == nil {
		d, err := c.r.Discard(int(n))
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return int64(d), err
	}
	d, err := io.CopyN(sink, c.r, n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return d, err
}

func (c *rawConn) copy(sink io.Writer, r io.Reader) (int64, error) {
	if sink == nil {
		sink = io.Discard
	}
	return io.Copy(sink, r)
}

// readChunked reads a chunked body and its trailer section.
func (c *rawConn) readChunked(sink io.Writer) (int64, error) {
	var total int64
	for {
		line, err := c.readLine()
		if err != nil {
			return total, err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || size < 0 {
			return total, fmt.Errorf("%w: chunk size %q", errRawProtocol, line)
		}
		if size == 0 {
			for { // trailers, up to the empty line
				t, err := c.readLine()
				if err != nil {
					return total, err
				}
				if len(t) == 0 {
					return total, nil
				}
			}
		}
		n, err := c.body(sink, size)
		total += n
		if err != nil {
			return total, err
		}
		crlf, err := c.readLine()
		if err != nil {
			return total, err
		}
		if len(crlf) != 0 {
			return total, fmt.Errorf("%w: no CRLF after a chunk", errRawProtocol)
		}
	}
}

// encodingName returns a Content-Encoding value, without allocating for the usual ones.
func encodingName(v []byte) string {
	for _, s := range []string{"gzip", "br", "identity"} {
		if asciiEqualFold(v, s) {
			return s
		}
	}
	return string(v)
}

// parseLength parses a decimal Content-Length without allocating.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int64(ch-'0')
	}
	return n, true
}

func atoi3(b []byte) (int, error) {
	n := 0
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, errRawProtocol
		}
		n = n*10 + int(ch-'0')
	}
	return n, nil
}

// asciiEqualFold compares a header name or token case-insensitively without allocating.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
