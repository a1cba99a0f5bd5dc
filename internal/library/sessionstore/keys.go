package sessionstore

import (
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
)

// The Redis key layout of the session store. Keys are built here and
// nowhere else; every script receives every key it touches in KEYS.
//
//	<prefix>s:{<tag>}:<handle>    hash: one session (uid, created, seen, abs, ip, ua, data)
//	<prefix>u:{<tag>}:<uid>:s     sorted set: the user's device index, handles scored by creation (ms)
//
// {<tag>} is a Redis Cluster hash tag: the user id modulo 256, in two hex
// digits. A user's index and all of their sessions share it, so the scripts
// that touch a session and its user's index (create, destroy, revoke) or
// several sessions of one user (list, destroy-all) run atomically on one
// Redis or on a Cluster alike. A request carries only the session id, and
// the session key follows from it alone: the handle (SHA-256 of the id)
// names the session, and its first two hex digits are the tag, because
// NewUserID only hands out ids whose handle starts with their user's tag
// (Create refuses any other). The id stays random: neither the tag nor the
// user id is written in it. A dump of Redis holds no usable id.
//
// A change of this layout logs everybody out once: sessions under the old
// keys are no longer found.

// A tag is one byte in two hex digits: the low byte of the user id for a
// user's index, the first byte of the handle for a session. 256 tags spread
// sessions over 256 Cluster slots, and NewUserID draws 256 ids on average
// (well under a millisecond) to find one with its user's tag.
func userTagByte(uid int64) byte { return byte(uid) }

// userTag is the hash tag of the keys of user uid.
func userTag(uid int64) string { return hex.EncodeToString([]byte{userTagByte(uid)}) }

// handleTag is the hash tag of the session a handle names.
func handleTag(handle string) string { return handle[:2] }

func (s *Store) sessionKey(handle string) string {
	return s.cfg.Prefix + "s:{" + handleTag(handle) + "}:" + handle
}

func (s *Store) indexKey(uid int64) string {
	return s.cfg.Prefix + "u:{" + userTag(uid) + "}:" + strconv.FormatInt(uid, 10) + ":s"
}

// CheckPrefix rejects a key prefix with a brace: Redis takes the first
// {...} of a key as its hash tag, so a brace in the prefix would change
// which part of each key picks the Cluster slot and split a user's keys.
func CheckPrefix(prefix string) error {
	if strings.ContainsAny(prefix, "{}") {
		return gerror.Newf("sessionstore: key prefix %q must not contain { or }", prefix)
	}
	return nil
}
