package postfmt

import (
	"testing"

	"github.com/rivo/uniseg"
)

func TestGraphemeCountMatchesUniseg(t *testing.T) {
	for _, s := range append([]string{"", "a", "\r\n", "a\r\nb", "e\u0301", "a\u0301b", "🇯🇵🇺", "👨‍👩‍👧‍👦x", "x\u200d", "#\ufe0f\u20e3", "한국어", "a\u0308\u0301"}, samplePosts...) {
		if got, want := graphemeCount(s), uniseg.GraphemeClusterCount(s); got != want {
			t.Errorf("graphemeCount(%q) = %d, uniseg says %d", s, got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	tests := []struct {
		platform    string
		length, max int
		wantErr     bool
	}{
		{PlatformX, 259, 280, false},
		{PlatformMastodon, 0, 500, false},
		{PlatformBluesky, 0, 300, false},
		{"myspace", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			n, max, err := Measure(tt.platform, samplePosts[0])
			if (err != nil) != tt.wantErr {
				t.Fatalf("Measure error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if max != tt.max || tt.length != 0 && n != tt.length || n <= 0 {
				t.Errorf("Measure(%s) = %d, %d; want %d, %d", tt.platform, n, max, tt.length, tt.max)
			}
			l, _ := LimitFor(tt.platform)
			if !l.Fits(samplePosts[0]) {
				t.Errorf("%s: sample post does not fit", tt.platform)
			}
		})
	}
	long := make([]byte, 0, 3100)
	for len(long) < 3001 {
		long = append(long, "🦠"...)
	}
	if BlueskyLimit.Fits(string(long)) {
		t.Error("Bluesky: a post over 3000 bytes fits")
	}
	if BlueskyLimit.Fits("") || XLimit.Fits("") {
		t.Error("an empty post fits")
	}
}
