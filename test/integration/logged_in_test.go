package integration

import (
	"fmt"
	"net/http"
	"testing"
)

// A disabled or deleted user's session means the same to the pages and to
// the API, whichever sees it first: the session is ended (and, for a
// disabled user, every other session too), the page sends the browser to
// /login, the API answers 403 (disabled) or 401 (gone).
func TestDisabledOrDeletedUserIsLoggedOutAlikeByPagesAndAPI(t *testing.T) {
	app := StartApp(t, Options{})
	for i, tc := range []struct {
		observer, state string
		apiStatus       int
	}{
		{"page", "disabled", 403}, {"api", "disabled", 403},
		{"page", "deleted", 401}, {"api", "deleted", 401},
	} {
		name := fmt.Sprintf("who_%d", i)
		c := signUp(t, app, name)
		other := app.Client()
		Expect(t, other.Login(name, "password-"+name), 200, "second device")
		id := userID(t, c)
		var err error
		if tc.state == "disabled" {
			_, err = app.DB().Exec("UPDATE users SET disabled = 1 WHERE id = ?", id)
		} else {
			_, err = app.DB().Exec("DELETE FROM users WHERE id = ?", id)
		}
		if err != nil {
			t.Fatal(err)
		}
		what := tc.observer + " sees a " + tc.state + " user"
		if tc.observer == "page" {
			noRedirect := *c.HTTP
			noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := noRedirect.Get(app.URL + "/settings")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fsettings" {
				t.Fatalf("%s: %d to %q", what, resp.StatusCode, resp.Header.Get("Location"))
			}
		} else {
			Expect(t, c.Do("GET", "/api/v1/me", nil), tc.apiStatus, what)
		}
		if c.SessionCookie() != "" {
			t.Fatalf("%s: the session cookie was not cleared", what)
		}
		if tc.state == "disabled" {
			// Every session was revoked: enabled again, neither device is
			// logged in.
			if _, err := app.DB().Exec("UPDATE users SET disabled = 0 WHERE id = ?", id); err != nil {
				t.Fatal(err)
			}
			Expect(t, other.Do("GET", "/api/v1/me", nil), 401, what+": other device after re-enabling")
		} else {
			Expect(t, other.Do("GET", "/api/v1/me", nil), 401, what+": other device")
		}
	}
}
