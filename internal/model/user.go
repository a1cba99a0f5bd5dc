package model

import "github.com/gogf/gf/v2/os/gtime"

// UserView is a user as the API shows it: never the password hash.
type UserView struct {
	Id           int64       `json:"id"`
	Username     string      `json:"username"`
	Role         string      `json:"role"`
	TokenBalance int64       `json:"tokenBalance"`
	CreatedAt    *gtime.Time `json:"createdAt"`
}

// SessionView is one of the user's logged-in devices.
type SessionView struct {
	Handle     string      `json:"handle"` // opaque; never the session id
	CreatedAt  *gtime.Time `json:"createdAt"`
	LastSeenAt *gtime.Time `json:"lastSeenAt"`
	Ip         string      `json:"ip"`
	UserAgent  string      `json:"userAgent"`
	Current    bool        `json:"current"`
}
