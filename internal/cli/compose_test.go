package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// productPost is the post of docs/PRODUCT.md.
const productPost = "🚨⚡ #LODEINFO (🇯🇵)\nC2:\n" +
	"🌍 http[:]//172.104.72[.]4/ (ASN: AS63949, ISP: Linode, LLC 🇯🇵) and 2 more (172.105.223[.]216, 45.77.28[.]124).\n" +
	"Family:\n🦠 LODEINFO (v0.6.2)\nMD5:\n🔒 da1c9006b493d7e95db4d354c5f0e99f\nSample:\n📄 https://t.co/MvDcBjsfwV\nH/T to NA4Sec Team"

var lodeinfoYAML = filepath.Join("..", "..", "examples", "sightings", "lodeinfo.yaml")

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompose(t *testing.T) {
	isolate(t)
	bad := writeFile(t, "bad.yaml", "family: X\nc2:\n  - value: 1.2.3.4\n    asnn: AS1\n")
	invalid := writeFile(t, "invalid.yaml", "family: X\nc2:\n  - value: not a host\n")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "text", args: []string{"compose", lodeinfoYAML}, stdout: "# x 1/1 259/280\n" + productPost + "\n"},
		{name: "stdin, flags after", stdin: "family: HUI Loader\nsamples: [{md5: d839ab2c2ea8f082f98478cb552d6709}]\n",
			args:   []string{"compose", "-", "--platform", "mastodon", "--lang", "ja"},
			stdout: "# mastodon 1/1 73/500\n🚨⚡ #HUILoader\nマルウェア:\n🦠 HUI Loader\nMD5:\n🔒 d839ab2c2ea8f082f98478cb552d6709\n"},
		{name: "json", args: []string{"compose", "--format", "json", lodeinfoYAML},
			stdout: `{"platform":"x","parts":[{"text":` + jsonString(productPost) + `,"length":259,"limit":280}]}`},
		{name: "unknown field names file and line", args: []string{"compose", bad}, code: 1,
			stderr: "iocast: compose: " + bad + `:4: unknown field "c2[0].asnn"; did you mean "asn"?` + "\n"},
		{name: "invalid value names file and line", args: []string{"compose", invalid}, code: 1,
			stderr: "iocast: compose: " + invalid + `:3: c2[0].value: "not a host" is not a URL, IP address or domain: invalid` + "\n"},
		{name: "bad platform", args: []string{"compose", "--platform", "myspace", lodeinfoYAML}, code: 2,
			stderr: "iocast: invalid platform \"myspace\": want x, mastodon, bluesky, all; see 'iocast compose --help'\n"},
		{name: "no file", args: []string{"compose"}, code: 2,
			stderr: "iocast: compose takes one sighting FILE, or - for standard input; see 'iocast compose --help'\n"},
		{name: "tiny mastodon limit", args: []string{"compose", "--platform", "mastodon", "--mastodon-limit", "50", lodeinfoYAML}, code: 1,
			stderr: "the first mastodon post"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if strings.HasPrefix(tt.stdout, "{") {
				stdout = compact(t, stdout)
			}
			if diff := cmp.Diff(tt.stdout, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if tt.code == 0 || strings.HasPrefix(tt.stderr, "iocast:") {
				if !strings.HasPrefix(stderr, tt.stderr) {
					t.Errorf("stderr %q, want it to start %q", stderr, tt.stderr)
				}
			} else if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to mention %q", stderr, tt.stderr)
			}
		})
	}
}

func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSpace(b.String())
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("%v in %q", err, s)
	}
	return b.String()
}

func TestComposeAllJSON(t *testing.T) {
	isolate(t)
	code, stdout, stderr := run(t, "", "compose", "--platform", "all", "--format", "json",
		filepath.Join("..", "..", "examples", "sightings", "plugx-campaign.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out []struct {
		Platform string
		Parts    []struct {
			Text          string
			Length, Limit int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || out[0].Platform != "x" || out[1].Platform != "mastodon" || out[2].Platform != "bluesky" {
		t.Fatalf("platforms: %+v", out)
	}
	for _, r := range out {
		if len(r.Parts) < 2 {
			t.Errorf("%s: %d parts, want a thread", r.Platform, len(r.Parts))
		}
		for _, p := range r.Parts {
			if p.Length > p.Limit || p.Length == 0 {
				t.Errorf("%s: length %d of %d", r.Platform, p.Length, p.Limit)
			}
		}
	}
}
