package suggest

import "testing"

func TestDidYouMean(t *testing.T) {
	cands := []string{"extract", "compose", "parse", "enrich"}
	tests := []struct{ in, want string }{
		{"extrct", `; did you mean "extract"?`},
		{"compsoe", `; did you mean "compose"?`},
		{"parse", `; did you mean "parse"?`},
		{"zzzzzz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.in, cands); got != tt.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if d := distance("kitten", "sitting"); d != 3 {
		t.Errorf("distance(kitten, sitting) = %d, want 3", d)
	}
}
