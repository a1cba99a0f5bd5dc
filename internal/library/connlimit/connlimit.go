// Package connlimit caps the number of open connections of one or more
// listeners, so that a flood of idle sockets cannot use up the process's
// file descriptors.
//
// At the cap, a new connection first evicts the oldest connection that has
// not sent a single byte yet: such a socket has no request in progress and
// costs whoever opened it nothing, so thousands of them must not lock out
// clients that are actually talking. When every open connection has sent
// something, the new connection is closed at once instead of being left in
// the kernel's accept backlog: its client fails fast and can retry (or a
// load balancer can pick another instance) rather than hang.
package connlimit

import (
	"container/list"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// reportEvery is the shortest interval between two reports of connections
// evicted or refused at the cap.
const reportEvery = 10 * time.Second

// Limiter is the shared cap of the listeners it wraps.
type Limiter struct {
	max    int
	report func(max, evicted, refused int)

	mu       sync.Mutex
	open     int
	silent   list.List // *conn that have sent nothing yet, oldest first
	evicted  int       // since the last report
	refused  int
	reported time.Time
}

// New returns a limiter allowing max open connections. report, when not
// nil, is told how many connections were evicted and refused at the cap,
// at most once every few seconds while that happens.
func New(max int, report func(max, evicted, refused int)) *Limiter {
	if max < 1 {
		max = 1
	}
	return &Limiter{max: max, report: report}
}

// Max is the cap.
func (l *Limiter) Max() int { return l.max }

// Open is the number of connections open now.
func (l *Limiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Listener wraps ln so that its connections count against the cap.
func (l *Limiter) Listener(ln net.Listener) net.Listener {
	return &listener{Listener: ln, l: l}
}

type listener struct {
	net.Listener
	l *Limiter
}

// Accept returns the next connection admitted under the cap; connections
// refused at the cap are closed here and never reach the server.
func (ln *listener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if wc := ln.l.admit(c); wc != nil {
			return wc, nil
		}
		_ = c.Close()
	}
}

func (l *Limiter) admit(c net.Conn) net.Conn {
	wc := &conn{Conn: c, l: l}
	var victim *conn
	l.mu.Lock()
	switch {
	case l.open < l.max:
		l.open++
	case l.silent.Len() > 0:
		// The victim's slot passes to the new connection.
		victim = l.silent.Remove(l.silent.Front()).(*conn)
		victim.elem, victim.released = nil, true
		l.evicted++
	default:
		l.refused++
		wc = nil
	}
	if wc != nil {
		wc.elem = l.silent.PushBack(wc)
	}
	l.maybeReportLocked()
	l.mu.Unlock()
	if victim != nil {
		_ = victim.Conn.Close() // the server's read fails and it lets go
	}
	if wc == nil {
		return nil
	}
	return wc
}

// maybeReportLocked hands the counts to report when the last report is
// old enough; report runs in its own goroutine, outside the lock.
func (l *Limiter) maybeReportLocked() {
	if l.report == nil || l.evicted+l.refused == 0 || time.Since(l.reported) < reportEvery {
		return
	}
	max, evicted, refused := l.max, l.evicted, l.refused
	l.evicted, l.refused, l.reported = 0, 0, time.Now()
	go l.report(max, evicted, refused)
}

// spoke takes c off the list of evictable connections.
func (l *Limiter) spoke(c *conn) {
	l.mu.Lock()
	if c.elem != nil {
		l.silent.Remove(c.elem)
		c.elem = nil
	}
	l.mu.Unlock()
}

func (l *Limiter) release(c *conn) {
	l.mu.Lock()
	if c.elem != nil {
		l.silent.Remove(c.elem)
		c.elem = nil
	}
	if !c.released {
		c.released = true
		l.open--
	}
	l.mu.Unlock()
}

// conn is an admitted connection.
type conn struct {
	net.Conn
	l         *Limiter
	heard     atomic.Bool
	closeOnce sync.Once
	// Guarded by l.mu.
	elem     *list.Element // in l.silent until the first byte arrives
	released bool          // its slot was given back (closed or evicted)
}

func (c *conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && !c.heard.Load() {
		c.heard.Store(true)
		c.l.spoke(c)
	}
	return n, err
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.l.release(c) })
	return err
}

// CloseWrite keeps net/http's graceful close (half-close, then drain)
// working through the wrapper.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
