package integration

import (
	"database/sql"
	"encoding/json"
	"errors"
	"testing"
)

// mustJSON decodes data into v and stops the test when data is not JSON of
// v's shape: a test that read zero values from a broken answer would check
// nothing.
func mustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %T: %v in %.300q", v, err, data)
	}
}

// checkJSON is mustJSON for goroutines other than the test's (which may not
// stop it): it marks the test failed and reports whether data decoded.
func checkJSON(t testing.TB, data []byte, v any) bool {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Errorf("decode %T: %v in %.300q", v, err, data)
		return false
	}
	return true
}

// mustScan scans one row into dest and stops the test on any error, a
// missing row included.
func mustScan(t testing.TB, row *sql.Row, dest ...any) {
	t.Helper()
	if err := row.Scan(dest...); err != nil {
		t.Fatalf("scan: %v", err)
	}
}

// found reports whether a single-row query found its row (err from its
// Scan): false for no row, the test stopped for any other error.
func found(t testing.TB, err error) bool {
	t.Helper()
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return true
}
