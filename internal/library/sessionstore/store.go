// Package sessionstore is gptbot's gsession.Storage on Redis.
//
// It replaces GoFrame's StorageRedis, whose defaults the spec rejects: each
// session is a Redis hash (user id, times, client, small data) keyed by the
// SHA-256 of its id; writes never resurrect a deleted session; the idle
// timeout slides while the absolute timeout is enforced here; and a per-user
// index (a sorted set of handles) backs device lists and revocation. The
// key layout, which lets the same scripts run on a Redis Cluster, is in
// keys.go.
package sessionstore

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gogf/gf/v2/container/gmap"
	"github.com/gogf/gf/v2/errors/gerror"
	"github.com/gogf/gf/v2/os/gsession"
	"github.com/redis/go-redis/v9"
)

// Reserved keys of the gsession data map, filled from the session hash.
const (
	KeyUserID    = "uid"
	KeyCreatedAt = "createdAt"
)

// Observer is told about every storage operation (for metrics).
type Observer func(operation string, err error, elapsed time.Duration)

// Config sets the timeouts and key prefix.
type Config struct {
	Prefix   string        // e.g. "gptbot:"
	Idle     time.Duration // sliding idle timeout
	Absolute time.Duration // hard limit from login
}

// Store implements gsession.Storage.
type Store struct {
	rdb      redis.UniversalClient
	cfg      Config
	observe  Observer
	now      func() time.Time
	create   *redis.Script
	touch    *redis.Script
	destroy  *redis.Script
	destroyA *redis.Script
	revoke   *redis.Script
	list     *redis.Script
}

var _ gsession.Storage = (*Store)(nil)

// New returns a Store; observe may be nil.
func New(rdb redis.UniversalClient, cfg Config, observe Observer) *Store {
	if observe == nil {
		observe = func(string, error, time.Duration) {}
	}
	return &Store{
		rdb: rdb, cfg: cfg, observe: observe, now: time.Now,
		create:   redis.NewScript(luaCreate),
		touch:    redis.NewScript(luaTouch),
		destroy:  redis.NewScript(luaDestroy),
		destroyA: redis.NewScript(luaDestroyAll),
		revoke:   redis.NewScript(luaRevoke),
		list:     redis.NewScript(luaList),
	}
}

// Config returns the store's configuration.
func (s *Store) Config() Config { return s.cfg }

// Record is what a new session starts with.
type Record struct {
	UserID    int64
	IP        string
	UserAgent string
	Data      map[string]any // small typed fields only, never chat history
}

// Info describes one live session for the device list.
type Info struct {
	Handle     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

func (s *Store) timed(op string, fn func() error) error {
	start := time.Now()
	err := fn()
	s.observe(op, err, time.Since(start))
	return err
}

// Create stores a new session under a fresh id from NewUserID(rec.UserID).
// An error means the session does not exist and the caller must not report
// a login.
func (s *Store) Create(ctx context.Context, id string, rec Record) error {
	if !ValidID(id) {
		return gerror.New("sessionstore: refusing to create a session with a malformed id")
	}
	handle := Handle(id)
	if rec.UserID <= 0 || handleTag(handle) != userTag(rec.UserID) {
		return gerror.New("sessionstore: refusing to create a session under an id not made for its user")
	}
	data, err := encodeData(rec.Data)
	if err != nil {
		return err
	}
	now := s.now()
	return s.timed("create", func() error {
		n, err := s.create.Run(ctx, s.rdb,
			[]string{s.sessionKey(handle), s.indexKey(rec.UserID)},
			rec.UserID, now.UnixMilli(), now.Add(s.cfg.Absolute).UnixMilli(),
			truncate(rec.IP, 64), truncate(rec.UserAgent, 256), data,
			s.cfg.Idle.Milliseconds(), handle, s.cfg.Absolute.Milliseconds(),
			"("+strconv.FormatInt(now.Add(-s.cfg.Absolute).UnixMilli(), 10),
		).Int()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: create")
		}
		if n != 1 {
			return gerror.New("sessionstore: session id collision")
		}
		return nil
	})
}

// Regenerate replaces the session oldID (if it exists) with a new one under
// newID: the old one is deleted before the new one is created, so a stolen
// pre-login id is worthless afterwards.
func (s *Store) Regenerate(ctx context.Context, oldID, newID string, rec Record) error {
	return s.timed("regenerate", func() error {
		if err := s.destroyID(ctx, oldID); err != nil {
			return gerror.Wrap(err, "sessionstore: regenerate: delete old")
		}
		return s.Create(ctx, newID, rec)
	})
}

// Load returns the session's data map, or nil when the id is unknown or
// expired (the absolute timeout is checked here, not left to Redis TTLs).
func (s *Store) Load(ctx context.Context, id string) (map[string]any, error) {
	if !ValidID(id) {
		return nil, nil
	}
	var out map[string]any
	err := s.timed("load", func() error {
		fields, err := s.rdb.HGetAll(ctx, s.sessionKey(Handle(id))).Result()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: load")
		}
		abs, _ := strconv.ParseInt(fields["abs"], 10, 64)
		uid, _ := strconv.ParseInt(fields["uid"], 10, 64)
		if len(fields) == 0 || uid <= 0 {
			return nil
		}
		if abs <= s.now().UnixMilli() {
			return s.Destroy(ctx, id)
		}
		out = map[string]any{}
		if d := fields["data"]; d != "" {
			// Numbers stay exact (unix times, ids), not float64.
			dec := json.NewDecoder(strings.NewReader(d))
			dec.UseNumber()
			if err := dec.Decode(&out); err != nil {
				return gerror.Wrap(err, "sessionstore: decode data")
			}
		}
		created, _ := strconv.ParseInt(fields["created"], 10, 64)
		out[KeyUserID] = uid
		out[KeyCreatedAt] = created
		return nil
	})
	return out, err
}

// Touch slides the idle timeout (capped by the absolute one) and, when data
// is not nil, replaces the session's small data. A deleted session stays
// deleted: Touch reports false and writes nothing.
func (s *Store) Touch(ctx context.Context, id string, data map[string]any) (bool, error) {
	if !ValidID(id) {
		return false, nil
	}
	write, encoded := "0", ""
	if data != nil {
		clean := make(map[string]any, len(data))
		for k, v := range data {
			if k != KeyUserID && k != KeyCreatedAt {
				clean[k] = v
			}
		}
		var err error
		if encoded, err = encodeData(clean); err != nil {
			return false, err
		}
		write = "1"
	}
	var alive bool
	op := "touch"
	if data != nil {
		op = "save"
	}
	err := s.timed(op, func() error {
		n, err := s.touch.Run(ctx, s.rdb, []string{s.sessionKey(Handle(id))},
			s.now().UnixMilli(), s.cfg.Idle.Milliseconds(), write, encoded).Int()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: touch")
		}
		alive = n == 1
		return nil
	})
	return alive, err
}

// Destroy deletes a session and its index entry.
func (s *Store) Destroy(ctx context.Context, id string) error {
	return s.timed("destroy", func() error {
		if err := s.destroyID(ctx, id); err != nil {
			return gerror.Wrap(err, "sessionstore: destroy")
		}
		return nil
	})
}

// destroyID deletes the session id names, if any. The id does not say
// whose it is, so the user (and with it the index key) is read first; the
// script deletes only if the session still belongs to that user.
func (s *Store) destroyID(ctx context.Context, id string) error {
	if !ValidID(id) {
		return nil
	}
	handle := Handle(id)
	key := s.sessionKey(handle)
	owner, err := s.rdb.HGet(ctx, key, "uid").Result()
	if err == redis.Nil {
		return nil // already gone; its index entry goes at the next list
	}
	if err != nil {
		return err
	}
	uid, _ := strconv.ParseInt(owner, 10, 64)
	if uid <= 0 || userTag(uid) != handleTag(handle) {
		return s.rdb.Del(ctx, key).Err() // not written by Create: no index entry
	}
	return s.destroy.Run(ctx, s.rdb, []string{key, s.indexKey(uid)}, handle, uid).Err()
}

// destroyUserAttempts bounds how often DestroyUser reads the index again
// because a login of the same user slipped in between its two steps.
const destroyUserAttempts = 5

// DestroyUser deletes every session of a user except the one with handle
// keep ("" keeps none) and returns how many it deleted. It reads the
// user's index, then deletes in one script that first checks the index
// holds nothing else, so every session the user has at that moment goes.
func (s *Store) DestroyUser(ctx context.Context, uid int64, keep string) (int, error) {
	var n int
	err := s.timed("destroy", func() error {
		for range destroyUserAttempts {
			handles, err := s.rdb.ZRange(ctx, s.indexKey(uid), 0, -1).Result()
			if err != nil {
				return gerror.Wrap(err, "sessionstore: destroy user sessions: read index")
			}
			keys := []string{s.indexKey(uid)}
			args := []any{keep}
			for _, h := range handles {
				if h != keep {
					keys = append(keys, s.sessionKey(h))
					args = append(args, h)
				}
			}
			if n, err = s.destroyA.Run(ctx, s.rdb, keys, args...).Int(); err != nil {
				return gerror.Wrap(err, "sessionstore: destroy user sessions")
			}
			if n >= 0 {
				return nil
			}
		}
		return gerror.Newf("sessionstore: destroy user sessions: the index changed %d times in a row", destroyUserAttempts)
	})
	return max(n, 0), err
}

// Revoke deletes the user's session with this handle; false when the user
// has no such session (another user's handle included).
func (s *Store) Revoke(ctx context.Context, uid int64, handle string) (bool, error) {
	if !ValidHandle(handle) || handleTag(handle) != userTag(uid) {
		return false, nil // not a handle any session of this user can have
	}
	var n int
	err := s.timed("destroy", func() error {
		var err error
		n, err = s.revoke.Run(ctx, s.rdb, []string{s.indexKey(uid), s.sessionKey(handle)}, handle).Int()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: revoke")
		}
		return nil
	})
	return n == 1, err
}

// List returns the user's live sessions, oldest first. It reads the
// user's index, then the sessions in one script; a session created in
// between is not listed, as if it came after the list.
func (s *Store) List(ctx context.Context, uid int64) ([]Info, error) {
	var out []Info
	err := s.timed("list", func() error {
		handles, err := s.rdb.ZRange(ctx, s.indexKey(uid), 0, -1).Result()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: list: read index")
		}
		keys := []string{s.indexKey(uid)}
		args := []any{s.now().UnixMilli()}
		for _, h := range handles {
			keys = append(keys, s.sessionKey(h))
			args = append(args, h)
		}
		res, err := s.list.Run(ctx, s.rdb, keys, args...).Slice()
		if err != nil {
			return gerror.Wrap(err, "sessionstore: list")
		}
		for _, row := range res {
			f, ok := row.([]any)
			if !ok || len(f) != 5 {
				continue
			}
			out = append(out, Info{
				Handle:     str(f[0]),
				CreatedAt:  time.UnixMilli(num(f[1])),
				LastSeenAt: time.UnixMilli(num(f[2])),
				IP:         str(f[3]),
				UserAgent:  str(f[4]),
			})
		}
		return nil
	})
	return out, err
}

// ---- gsession.Storage ----
// Per-key operations report ErrorDisabled so gsession keeps the map in
// memory and writes it once through SetSession.

// New returns a fresh crypto/rand id.
func (s *Store) New(context.Context, time.Duration) (string, error) { return NewID(), nil }

// Get is served from gsession's in-memory copy.
func (s *Store) Get(context.Context, string, string) (any, error) { return nil, gsession.ErrorDisabled }

// GetSize is served from gsession's in-memory copy.
func (s *Store) GetSize(context.Context, string) (int, error) { return -1, gsession.ErrorDisabled }

// Data is served from gsession's in-memory copy.
func (s *Store) Data(context.Context, string) (map[string]any, error) {
	return nil, gsession.ErrorDisabled
}

// Set is buffered by gsession until SetSession.
func (s *Store) Set(context.Context, string, string, any, time.Duration) error {
	return gsession.ErrorDisabled
}

// SetMap is buffered by gsession until SetSession.
func (s *Store) SetMap(context.Context, string, map[string]any, time.Duration) error {
	return gsession.ErrorDisabled
}

// Remove is buffered by gsession until SetSession.
func (s *Store) Remove(context.Context, string, string) error { return gsession.ErrorDisabled }

// RemoveAll destroys the session.
func (s *Store) RemoveAll(ctx context.Context, id string) error { return s.Destroy(ctx, id) }

// GetSession loads the session for gsession; nil when unknown or expired.
func (s *Store) GetSession(ctx context.Context, id string, _ time.Duration) (*gmap.StrAnyMap, error) {
	data, err := s.Load(ctx, id)
	if err != nil || data == nil {
		return nil, err
	}
	return gmap.NewStrAnyMapFrom(data, true), nil
}

// SetSession writes changed data, only if the session still exists.
func (s *Store) SetSession(ctx context.Context, id string, data *gmap.StrAnyMap, _ time.Duration) error {
	_, err := s.Touch(ctx, id, data.Map())
	return err
}

// UpdateTTL slides the idle timeout of an unchanged session.
func (s *Store) UpdateTTL(ctx context.Context, id string, _ time.Duration) error {
	_, err := s.Touch(ctx, id, nil)
	return err
}

func encodeData(m map[string]any) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", gerror.Wrap(err, "sessionstore: encode data")
	}
	if len(b) > 4096 {
		return "", gerror.New("sessionstore: session data over 4 KiB; keep large data in SQL")
	}
	return string(b), nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int64 {
	switch x := v.(type) {
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	case int64:
		return x
	}
	return 0
}
