package ratelimit

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WriteHeaders advertises p and d to the client in the RateLimit-Policy
// and RateLimit fields, in the form with unnamed policies and the compact
// dictionary syntax that clients and proxies have implemented:
//
//	RateLimit-Policy: 20;w=60
//	RateLimit: limit=20, remaining=7, reset=39
//
// reset is the number of seconds until the whole budget is back (GCRA
// refills evenly, so remaining grows before then). On a denial it also sets
// Retry-After to the whole seconds, rounded up and at least 1,
// until the next request can pass: a 0 would invite an immediate retry.
//
// Several policies can guard one route (api, then auth, then login-user);
// draft-07 has room for one, so the most restrictive is advertised: a
// denial always, otherwise the one with the fewest requests remaining.
func WriteHeaders(h http.Header, p Policy, d Decision) {
	if d.Allowed && h.Get("RateLimit") != "" {
		if h.Get("Retry-After") != "" || currentRemaining(h) <= d.Remaining {
			return
		}
	}
	h.Set("RateLimit-Policy", strconv.Itoa(p.Limit)+";w="+strconv.FormatInt(ceilSeconds(p.Period, 1), 10))
	h.Set("RateLimit", "limit="+strconv.Itoa(p.Limit)+
		", remaining="+strconv.Itoa(max(d.Remaining, 0))+
		", reset="+strconv.FormatInt(ceilSeconds(d.ResetAfter, 0), 10))
	if d.Allowed {
		h.Del("Retry-After")
	} else {
		h.Set("Retry-After", strconv.FormatInt(ceilSeconds(d.RetryAfter, 1), 10))
	}
}

// ceilSeconds rounds d up to whole seconds, never below floor.
func ceilSeconds(d time.Duration, floor int64) int64 {
	return max(int64(math.Ceil(d.Seconds())), floor)
}

// currentRemaining reads remaining= from a RateLimit header already set.
func currentRemaining(h http.Header) int {
	for _, part := range strings.Split(h.Get("RateLimit"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "remaining="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return math.MaxInt
}
