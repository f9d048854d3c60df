package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/card"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/bluesky/blueskytest"
	"github.com/iocast/iocast/internal/publish/mastodon/mastodontest"
	"github.com/iocast/iocast/internal/publish/misskey/misskeytest"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/webhook/webhooktest"
	"github.com/iocast/iocast/internal/publish/xapi/xapitest"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/sqlite"
)

// TestMain lets a test run iocast as a child process (to kill it):
// IOCAST_TEST_MAIN holds the arguments as JSON, and IOCAST_TEST_CRASH
// "STEP:PART" makes the child exit at once (like a kill) at that step of
// the publishing protocol.
func TestMain(m *testing.M) {
	if args := os.Getenv("IOCAST_TEST_MAIN"); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			panic(err)
		}
		if crash := os.Getenv("IOCAST_TEST_CRASH"); crash != "" {
			step, part, _ := strings.Cut(crash, ":")
			n, _ := strconv.Atoi(part)
			publishFault = func(s publish.Step, _ string, p int) error {
				if string(s) == step && (p == n || s == publish.StepQueued) {
					os.Exit(137)
				}
				return nil
			}
		}
		os.Exit(Main(context.Background(), argv, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// fakePlatform is a fake platform server, as each adapter's test package
// provides one.
type fakePlatform interface {
	Env() map[string]string
	Posts() []publishtest.Post
}

type platformServer struct {
	name   string
	srv    fakePlatform
	faults *publishtest.Faults
}

// startPlatforms starts a fake server for every platform and points
// iocast's environment at them.
func startPlatforms(t *testing.T) []platformServer {
	t.Helper()
	x, m, b, k, w := xapitest.New(t), mastodontest.New(t), blueskytest.New(t), misskeytest.New(t), webhooktest.New(t)
	out := []platformServer{
		{"x", x, &x.Faults}, {"mastodon", m, &m.Faults}, {"bluesky", b, &b.Faults},
		{"misskey", k, &k.Faults}, {"webhook", w, &w.Faults},
	}
	for _, p := range out {
		for k, v := range p.srv.Env() {
			t.Setenv(k, v)
		}
	}
	return out
}

// secrets returns the credentials the environment holds.
func secrets(t *testing.T, servers []platformServer) []string {
	var out []string
	for _, p := range servers {
		for k, v := range p.srv.Env() {
			name := strings.TrimPrefix(k, "IOCAST_")
			if strings.HasSuffix(name, "_KEY") || strings.HasSuffix(name, "_SECRET") || strings.HasSuffix(name, "_TOKEN") ||
				strings.HasSuffix(name, "_PASSWORD") || name == "WEBHOOK_URL" {
				out = append(out, v)
			}
		}
	}
	if len(out) < 8 {
		t.Fatalf("only %d credentials in the fake servers' environment", len(out))
	}
	return out
}

func checkNoSecrets(t *testing.T, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("output contains the credential %q:\n%s", s, text)
			}
		}
	}
}

// checkOnce checks that a platform holds a thread exactly once: no text
// twice, each post replying to the one before (except for the webhook).
func checkOnce(t *testing.T, p platformServer, wantParts int) {
	t.Helper()
	posts := p.srv.Posts()
	if len(posts) != wantParts {
		t.Errorf("%s holds %d posts, want %d", p.name, len(posts), wantParts)
	}
	seen := map[string]bool{}
	for i, post := range posts {
		if seen[post.Text] {
			t.Errorf("%s: post %d is a duplicate:\n%s", p.name, i, post.Text)
		}
		seen[post.Text] = true
		if p.name == "webhook" {
			continue
		}
		switch {
		case i == 0 && post.ReplyTo != "":
			t.Errorf("%s: first post replies to %s", p.name, post.ReplyTo)
		case i > 0 && post.ReplyTo != posts[i-1].ID:
			t.Errorf("%s: post %d replies to %q, want %q", p.name, i, post.ReplyTo, posts[i-1].ID)
		}
	}
	if len(posts) > 0 && p.name != "webhook" && len(posts[0].Media) != 1 {
		t.Errorf("%s: first post has media %v, want the card", p.name, posts[0].Media)
	}
}

// outboxParts returns the parts of each platform's newest thread.
func outboxParts(t *testing.T, db string) map[string][]store.Post {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	posts, err := s.Outbox().Posts(context.Background(), store.PostFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]store.Post{}
	for _, p := range posts {
		out[p.Platform] = append(out[p.Platform], p)
	}
	return out
}

const plugx = "../../examples/sightings/plugx-campaign.yaml"

func TestPostDryRun(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "iocast.db")
	cardOut := filepath.Join(t.TempDir(), "card.png")
	code, out, errOut := run(t, "", "post", plugx, "--db", db, "--card-out", cardOut, "--ipdb", "../../examples/ipdb/demo.mmdb")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"dry run: no account is configured", "card: " + cardOut,
		"== x: POST https://api.x.com/2/tweets", "== mastodon:", "== bluesky: POST https://bsky.social/xrpc/com.atproto.repo.createRecord",
		"== misskey:", "== webhook:", "# part 1/", "card attached", "reply to part 1", "45.32.100[.]10"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	png, err := os.ReadFile(cardOut)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := card.Extract(png); err != nil || s.Family != "PlugX" {
		t.Errorf("card: %v, %v", s, err)
	}
	if got := outboxParts(t, db); len(got) != 0 {
		t.Errorf("a dry run queued posts: %v", got)
	}
	code, out, _ = run(t, "", "db", "stats", "--db", db, "--json")
	if code != 0 || !strings.Contains(out, `"sightings": 1`) {
		t.Errorf("the dry run did not store the sighting: %s", out)
	}

	// JSON, one platform.
	code, out, errOut = run(t, "", "post", "--dry-run", "--to", "bluesky", "--format", "json", plugx, "--db", db, "--no-card")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var plan struct {
		DryRun    bool `json:"dry_run"`
		Platforms []struct {
			Platform string `json:"platform"`
			Parts    []struct {
				Text    string `json:"text"`
				Length  int    `json:"length"`
				Limit   int    `json:"limit"`
				ReplyTo int    `json:"reply_to"`
				Facets  []any  `json:"facets"`
				Media   string `json:"media"`
			} `json:"parts"`
		} `json:"platforms"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if !plan.DryRun || len(plan.Platforms) != 1 || plan.Platforms[0].Platform != "bluesky" || len(plan.Platforms[0].Parts) == 0 {
		t.Fatalf("plan = %+v", plan)
	}
	for i, p := range plan.Platforms[0].Parts {
		if p.Length > p.Limit || p.Limit != 300 || p.Media != "" || (i > 0 && p.ReplyTo != i) {
			t.Errorf("part %d: %+v", i, p)
		}
	}
}

func TestPostEveryPlatform(t *testing.T) {
	isolate(t)
	servers := startPlatforms(t)
	creds := secrets(t, servers)
	db := filepath.Join(t.TempDir(), "iocast.db")
	code, out, errOut := run(t, "", "post", plugx, "--db", db, "--verbose")
	checkNoSecrets(t, creds, out, errOut)
	if code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	parts := outboxParts(t, db)
	for _, p := range servers {
		if !strings.Contains(out, p.name+": posted ") {
			t.Errorf("output lacks %q:\n%s", p.name+": posted", out)
		}
		checkOnce(t, p, len(parts[p.name]))
		for _, post := range parts[p.name] {
			if post.State != store.PostPublished || post.RemoteID == "" {
				t.Errorf("%s outbox: %+v", p.name, post)
			}
		}
	}
	if n := len(parts["x"]); n < 2 {
		t.Errorf("X thread of %d parts; plugx-campaign needs several", n)
	}

	// Again: refused on every platform, nothing sent.
	code, out, errOut = run(t, "", "post", plugx, "--db", db)
	if code != 1 || !strings.Contains(errOut, "--again") {
		t.Errorf("second post: exit %d, %s", code, errOut)
	}
	for _, p := range servers {
		checkOnce(t, p, len(parts[p.name]))
	}
	// --again on one platform posts a new thread there only.
	code, _, errOut = run(t, "", "post", plugx, "--db", db, "--again", "--to", "bluesky")
	if code != 0 {
		t.Fatalf("--again: exit %d: %s", code, errOut)
	}
	if got, want := len(servers[2].srv.Posts()), 2*len(parts["bluesky"]); got != want {
		t.Errorf("bluesky after --again: %d posts, want %d", got, want)
	}
}

// TestPostBadCredentials: refused credentials are reported with what to
// do, are not retried, and never appear in the output.
func TestPostBadCredentials(t *testing.T) {
	isolate(t)
	servers := startPlatforms(t)
	creds := secrets(t, servers)
	t.Setenv("IOCAST_MASTODON_TOKEN", "wrong-token-5e1d")
	t.Setenv("IOCAST_BLUESKY_APP_PASSWORD", "wrong-pass-77aa")
	creds = append(creds, "wrong-token-5e1d", "wrong-pass-77aa")
	db := filepath.Join(t.TempDir(), "iocast.db")
	code, out, errOut := run(t, "", "post", "--to", "mastodon,bluesky,x", plugx, "--db", db, "--verbose")
	checkNoSecrets(t, creds, out, errOut)
	if code != 1 || !strings.Contains(errOut, "Mastodon answered 401") || !strings.Contains(errOut, "Bluesky answered 401") ||
		!strings.Contains(out, "x: posted") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "accounts", "check")
	checkNoSecrets(t, creds, out, errOut)
	if code != 1 || !strings.Contains(out, "mastodon  FAIL") || !strings.Contains(out, "x         ok    @") ||
		!strings.Contains(out, "webhook   ok") {
		t.Errorf("accounts check: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestPostSurvivesKill kills the iocast process while it publishes a
// thread — with SIGKILL from the platform's server after it stored a part
// and before it answered, and by exiting at each step of the protocol —
// then runs the same command again: every part is on the platform once.
func TestPostSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs iocast as a child process")
	}
	type kill struct {
		platform string
		part     int    // killed by the server after creating this part
		crash    string // or: exit at this "step:part"
	}
	var cases []kill
	for _, pl := range []string{"x", "mastodon", "bluesky"} {
		cases = append(cases, kill{platform: pl, part: 1})
	}
	cases = append(cases, kill{platform: "misskey", part: 0}) // one part: 3000 characters
	for _, st := range []publish.Step{publish.StepQueued, publish.StepSending, publish.StepSent, publish.StepPublished} {
		cases = append(cases, kill{platform: "bluesky", part: -1, crash: string(st) + ":1"})
		cases = append(cases, kill{platform: "x", part: -1, crash: string(st) + ":0"})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/part%d%s", c.platform, c.part, c.crash), func(t *testing.T) {
			isolate(t)
			servers := startPlatforms(t)
			var srv platformServer
			for _, p := range servers {
				if p.name == c.platform {
					srv = p
				}
			}
			db := filepath.Join(t.TempDir(), "iocast.db")
			args := []string{"post", plugx, "--db", db, "--to", c.platform}
			argv, _ := json.Marshal(args)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "IOCAST_TEST_MAIN="+string(argv), "IOCAST_TEST_CRASH="+c.crash)
			if c.part >= 0 {
				faults := make([]publishtest.Fault, c.part+1)
				faults[c.part] = publishtest.Fault{Drop: true, Then: func(publishtest.Post) { _ = cmd.Process.Kill() }}
				srv.faults.Push(faults...)
			}
			out, _ := cmd.CombinedOutput()
			if cmd.ProcessState.ExitCode() == 0 {
				t.Fatalf("the child was not stopped:\n%s", out)
			}
			before := len(srv.srv.Posts())
			code, stdout, errOut := run(t, "", args...)
			if code != 0 {
				t.Fatalf("second run: exit %d\n%s\n%s", code, stdout, errOut)
			}
			parts := outboxParts(t, db)[c.platform]
			checkOnce(t, srv, len(parts))
			if c.crash == "" && before != c.part+1 {
				t.Errorf("the child was killed after %d posts, want %d", before, c.part+1)
			}
			if !slices.ContainsFunc(parts, func(p store.Post) bool { return p.Attempts > 0 }) {
				t.Errorf("outbox: %+v", parts)
			}
		})
	}
}

// TestReadmeQuickStart runs the README's first command, iocast's main job,
// as a newcomer would: from the repository root, with no configuration.
func TestReadmeQuickStart(t *testing.T) {
	isolate(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "go run ./cmd/iocast "
	_, after, ok := strings.Cut(string(readme), "\n"+prefix)
	if !ok {
		t.Fatal("README.md has no `go run ./cmd/iocast` command")
	}
	line, _, _ := strings.Cut(after, "\n")
	args := strings.Fields(line)
	if args[0] != "post" || !slices.Contains(args, "--dry-run") {
		t.Errorf("the README's main job is %q; want a dry-run post", line)
	}
	t.Chdir("../..")
	code, out, errOut := run(t, "", args...)
	if code != 0 {
		t.Fatalf("%s%s: exit %d\n%s", prefix, line, code, errOut)
	}
	for _, want := range []string{"dry run", "card: ", "== x:", "== mastodon:", "== bluesky:", "AS20473"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, cardLine, _ := strings.Cut(out, "card: ")
	cardFile, _, _ := strings.Cut(cardLine, "\n")
	if _, err := os.Stat(cardFile); err != nil {
		t.Errorf("card: %v", err)
	}
}

func TestPostUsage(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "iocast.db")
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no file", []string{"post"}, 2, "post takes one sighting FILE"},
		{"two files", []string{"post", "a.yaml", "b.yaml"}, 2, "post takes one sighting FILE"},
		{"unknown platform", []string{"post", plugx, "--to", "x,friendica"}, 2, `platform "friendica"`},
		{"bad format", []string{"post", plugx, "--format", "xml"}, 2, "--format"},
		{"missing file", []string{"post", "nope.yaml", "--db", db}, 1, "nope.yaml"},
		{"accounts without subcommand", []string{"accounts"}, 2, "accounts takes the subcommand check"},
		{"accounts check, none configured", []string{"accounts", "check"}, 1, "no account is configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.code, errOut, tt.want)
			}
		})
	}
	// No account for any platform of --to: a dry run, saying so.
	code, out, _ := run(t, "", "post", plugx, "--to", "mastodon,x", "--db", db)
	if code != 0 || !strings.Contains(out, "dry run: no account is configured for mastodon, x") {
		t.Errorf("--to without accounts: exit %d\n%s", code, out)
	}
	// With only X configured, --to mastodon,x names the missing account.
	x := xapitest.New(t)
	for k, v := range x.Env() {
		t.Setenv(k, v)
	}
	code, _, errOut := run(t, "", "post", plugx, "--to", "mastodon,x", "--db", db)
	if code != 1 || !strings.Contains(errOut, "no account is configured for mastodon") || len(x.Posts()) != 0 {
		t.Errorf("exit %d, %q, %d posts", code, errOut, len(x.Posts()))
	}
	// A sighting from standard input.
	data, err := os.ReadFile("../../examples/sightings/lodeinfo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, string(data), "post", "-", "--db", db, "--no-card")
	if code != 0 || !strings.Contains(out, "x: posted 1/1") || len(x.Posts()) != 1 || len(x.Posts()[0].Media) != 0 {
		t.Errorf("post -: exit %d\n%s\n%s", code, out, errOut)
	}
}
