package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCommand(t *testing.T) {
	isolate(t)
	post := writeFile(t, "post.txt", strings.Replace(productPost, "C2:", "C3:", 1))
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string // compact JSON, or JSON lines
		stderr string
	}{
		{name: "stdin", stdin: productPost, args: []string{"parse"},
			stdout: `{"family":"LODEINFO","version":"v0.6.2","samples":[{"md5":"da1c9006b493d7e95db4d354c5f0e99f","link":"https://t.co/MvDcBjsfwV"}],"c2":[{"value":"http://172.104.72.4/","asn":"AS63949","isp":"Linode, LLC","country":"JP"},{"value":"172.105.223.216"},{"value":"45.77.28.124"}],"targets":["JP"],"credit":"NA4Sec Team"}`},
		{name: "problems are positioned warnings", args: []string{"parse", post, "--format", "jsonl"},
			stdout: `{"family":"LODEINFO","version":"v0.6.2","samples":[{"md5":"da1c9006b493d7e95db4d354c5f0e99f","link":"https://t.co/MvDcBjsfwV"}],"c2":[{"value":"http://172.104.72.4/","asn":"AS63949","isp":"Linode, LLC","country":"JP"},{"value":"172.105.223.216"},{"value":"45.77.28.124"}],"targets":["JP"],"credit":"NA4Sec Team"}`,
			stderr: "iocast: warning: " + post + ": line 2: unknown section \"C3\"\n"},
		{name: "jsonl input keeps the url", args: []string{"parse", "--jsonl-input", "--format", "jsonl"},
			stdin:  `{"text": "C2:\n🌍 1.2.3[.]4", "url": "https://x.com/a/status/1"}` + "\n\n" + `{"text": "New C2 evil[.]jp-cdn[.]net"}` + "\n",
			stdout: `{"c2":[{"value":"1.2.3.4"}],"source":"https://x.com/a/status/1"}` + "\n" + `{"indicators":[{"type":"domain","value":"evil.jp-cdn.net"}]}`,
			stderr: "iocast: note: -:3: not post format v1; indicators extracted, roles unknown\n"},
		{name: "bad jsonl line", args: []string{"parse", "--jsonl-input"}, stdin: "{\"text\": 1}\n", code: 1,
			stderr: "iocast: parse: -:1: json: cannot unmarshal number"},
		{name: "missing file", args: []string{"parse", "nope.txt"}, code: 1,
			stderr: "iocast: parse: open nope.txt: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if strings.HasPrefix(stdout, "{\n") {
				stdout = compact(t, stdout)
			}
			if diff := cmp.Diff(tt.stdout, strings.TrimSuffix(stdout, "\n")); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to start %q", stderr, tt.stderr)
			}
		})
	}
}

// TestParseOutputComposes checks that what parse prints is a sighting
// compose accepts unchanged, and that it composes back to the post.
func TestParseOutputComposes(t *testing.T) {
	isolate(t)
	posts := map[string]string{
		"product post": productPost,
		"not v1":       "New C2 for the campaign: evil[.]jp-cdn[.]net, 45.77.28[.]124, CVE-2023-1234",
	}
	for name, p := range posts {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := run(t, p, "parse")
			if code != 0 {
				t.Fatalf("parse: exit %d: %s", code, stderr)
			}
			file := writeFile(t, "s.json", stdout)
			code, out, stderr := run(t, "", "compose", file, "--format", "json")
			if code != 0 {
				t.Fatalf("compose of parse's output: exit %d: %s", code, stderr)
			}
			var c struct{ Parts []struct{ Text string } }
			if err := json.Unmarshal([]byte(out), &c); err != nil {
				t.Fatal(err)
			}
			if name == "product post" && c.Parts[0].Text != productPost {
				t.Errorf("compose(parse(post)) = %q, want the post", c.Parts[0].Text)
			}
		})
	}
}
