package postgres

import (
	"fmt"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Schema 4 files an indicator under one key, the UTF-8 bytes (bytea) of
// the kind, a colon and store.KeyValue ("domain:com.evil.www",
// "ipv4:192.0.2.1"). No kind name holds a colon or is the start of
// another, so keys sort as (kind, KeyValue) do, and a kind's indicators
// are the keys from "kind:" to "kind;". Keys go to the server as []byte,
// which pgx sends as bytea.

// indicatorKey returns the key of an indicator.
func indicatorKey(k intel.Kind, v string) []byte {
	return []byte(string(k) + ":" + store.KeyValue(k, v))
}

// kindRange returns the keys [lo, hi) of the indicators of kind k.
func kindRange(k intel.Kind) (lo, hi []byte) { return []byte(string(k) + ":"), []byte(string(k) + ";") }

// parseKey returns the kind and value a key files.
func parseKey(b []byte) (intel.Kind, string, error) {
	key := string(b)
	k, v, ok := strings.Cut(key, ":")
	if !ok || v == "" {
		return "", "", fmt.Errorf("store: indicator key %q has no kind: %w", key, intel.ErrInvalid)
	}
	return intel.Kind(k), store.KeyValue(intel.Kind(k), v), nil // KeyValue undoes itself
}

// joinNames returns a list of family or source names as stored: joined by
// newlines (store.CleanName leaves none in a name), or NULL when empty.
func joinNames(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return strings.Join(l, "\n")
}

// splitNames returns the names joinNames stored; nil for NULL.
func splitNames(s *string) []string {
	if s == nil || *s == "" {
		return nil
	}
	return strings.Split(*s, "\n")
}

// nullText returns s, or NULL when it is empty.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
