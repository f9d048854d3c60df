package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCardCommand renders a card and reads its sighting back with
// parse --image.
func TestCardCommand(t *testing.T) {
	isolate(t)
	sighting := "../../examples/sightings/lodeinfo.yaml"
	out := filepath.Join(t.TempDir(), "card.png")
	if code, _, stderr := run(t, "", "card", sighting, "-o", out, "--go-fonts-only"); code != 0 {
		t.Fatalf("card: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, "", "parse", "--image", out, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("parse --image: exit %d: %s", code, stderr)
	}
	want := `{"family":"LODEINFO","version":"v0.6.2","samples":[{"md5":"da1c9006b493d7e95db4d354c5f0e99f","link":"https://t.co/MvDcBjsfwV"}],"c2":[{"value":"http://172.104.72.4/","asn":"AS63949","isp":"Linode, LLC","country":"JP"},{"value":"172.105.223.216"},{"value":"45.77.28.124"}],"targets":["JP"],"credit":"NA4Sec Team"}`
	if diff := cmp.Diff(want, strings.TrimSpace(stdout)); diff != "" {
		t.Errorf("parse --image (-want +got):\n%s", diff)
	}
}

func TestCardErrors(t *testing.T) {
	isolate(t)
	notPNG := filepath.Join(t.TempDir(), "x.png")
	if err := os.WriteFile(notPNG, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no -o", []string{"card", "x.yaml"}, 2, "iocast: card needs -o FILE"},
		{"no file", []string{"card", "-o", "x.png"}, 2, "iocast: card takes one sighting FILE"},
		{"not a png", []string{"parse", "--image", notPNG}, 1, "iocast: parse: " + notPNG + ": card: not a PNG file: invalid"},
		{"image and files", []string{"parse", "--image", notPNG, "post.txt"}, 2, "iocast: parse --image reads one PNG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.code || !strings.HasPrefix(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q…", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
