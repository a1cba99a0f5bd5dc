package resource

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// Every request of the pages goes through js/api.js, which handles the
// session's end (401), error envelopes and network failures in one place;
// a script that fetches on its own would handle them again, differently.
func TestScriptsRequestThroughAPIJS(t *testing.T) {
	const client = "js/api.js"
	checked := 0
	err := fs.WalkDir(Static(), "js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" || p == client {
			return err
		}
		b, err := fs.ReadFile(Static(), p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, call := range []string{"fetch(", "XMLHttpRequest", "EventSource(", "sendBeacon("} {
				if strings.Contains(line, call) {
					t.Errorf("%s:%d calls %s: send requests through %s", p, i+1, call, client)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(Static(), client); err != nil || !strings.Contains(string(b), "fetch(") {
		t.Errorf("%s does not fetch (err %v): the check above looks for the wrong thing", client, err)
	}
	if checked < 5 {
		t.Errorf("only %d scripts checked", checked)
	}
}
