package postgres

import (
	"bytes"
	"strings"
	"testing"

	"github.com/iocast/iocast/intel"
)

// TestKeyOrder: no kind name holds a colon or starts another, so keys sort
// by kind then value, each kind's keys lie in kindRange, and parseKey
// undoes indicatorKey.
func TestKeyOrder(t *testing.T) {
	for _, a := range intel.Kinds {
		if strings.ContainsAny(string(a), ":;") {
			t.Errorf("kind %q holds a colon or semicolon", a)
		}
		for _, b := range intel.Kinds {
			if a != b && strings.HasPrefix(string(b), string(a)) {
				t.Errorf("kind %q starts kind %q: their keys would interleave", a, b)
			}
		}
	}
	for _, tc := range []struct {
		kind  intel.Kind
		value string
	}{
		{intel.KindDomain, "www.evil.com"},
		{intel.KindURL, "http://a:b@evil.com:8080/x;y"},
		{intel.KindIPv6, "2001:db8::1"},
		{intel.KindEmail, "a@evil.com"},
	} {
		k := indicatorKey(tc.kind, tc.value)
		lo, hi := kindRange(tc.kind)
		if bytes.Compare(k, lo) < 0 || bytes.Compare(k, hi) >= 0 {
			t.Errorf("key %q outside [%q, %q)", k, lo, hi)
		}
		kind, v, err := parseKey(k)
		if err != nil || kind != tc.kind || v != tc.value {
			t.Errorf("parseKey(%q) = %s, %q, %v; want %s, %q", k, kind, v, err, tc.kind, tc.value)
		}
	}
	if _, _, err := parseKey([]byte("nokind")); err == nil {
		t.Error("parseKey(nokind): no error")
	}
}
