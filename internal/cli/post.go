package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/card"
	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/postgres"
	"github.com/iocast/iocast/postfmt"
)

// postFlags are the flags of "iocast post".
type postFlags struct {
	to       stringList
	dryRun   bool
	again    bool
	noCard   bool
	cardOut  string
	lang     string
	maxParts int
	format   string
}

func (f *postFlags) define(fs *flag.FlagSet) {
	fs.Var(&f.to, "to", "post to the `PLATFORMS` x, mastodon, bluesky, misskey, webhook (comma-separated or repeated; default post.to, then every configured account)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "show what would be sent and send nothing (the default when no account is configured)")
	fs.BoolVar(&f.again, "again", false, "post a sighting again on a platform where it was posted already")
	fs.BoolVar(&f.noCard, "no-card", false, "do not attach the evidence card")
	fs.StringVar(&f.cardOut, "card-out", "", "write the evidence card to `FILE` (default $XDG_DATA_HOME/iocast/cards/card-HASH.png)")
	fs.StringVar(&f.lang, "lang", "", "section labels `LANG`: en or ja (default compose.lang)")
	fs.IntVar(&f.maxParts, "max-parts", -1, "cap a thread at `N` posts; 0 for no cap (default compose.max_parts)")
	fs.StringVar(&f.format, "format", "text", "output `FORMAT`: text or json")
}

// publishFault is nil except in the tests that stop iocast at a step of
// the publishing protocol (post_test.go), as a kill would.
var publishFault func(step publish.Step, platform string, part int) error

// postRun is what the post command works with.
type postRun struct {
	cfg       config.Config
	platforms []string
	dry       bool
	why       string // why it is a dry run
	job       publish.Job
	cardPath  string
	stored    string // where the sighting was stored, for the output
}

// postCmd runs "iocast post FILE".
func (e *env) postCmd(ctx context.Context, args []string) error {
	var f postFlags
	var ef enrichFlags
	fs := newFlagSet("post")
	f.define(fs)
	ef.define(fs)
	if done, err := e.parse("post", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("post takes one sighting FILE, or - for standard input")
	}
	if err := config.CheckChoice("format", f.format, []string{"text", "json"}); err != nil {
		return usageErrorf("--format: %v", err)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	set := setFlags(fs)
	r := postRun{cfg: cfg, dry: f.dryRun}
	if set["lang"] {
		if err := config.CheckChoice("lang", f.lang, config.ComposeLangs); err != nil {
			return usageErrorf("--lang: %v", err)
		}
		cfg.Compose.Lang = f.lang
	}
	if set["max-parts"] {
		if f.maxParts < 0 {
			return usageErrorf("--max-parts: want 0 (no cap) or more")
		}
		cfg.Compose.MaxParts = f.maxParts
	}
	if r.platforms, err = e.postPlatforms(cfg, f.to, &r); err != nil {
		return err
	}

	// Read, enrich, store.
	s, err := e.readSighting(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := e.enrichSighting(ctx, s, cfg.Enrich, &ef, set); err != nil {
		return err
	}
	if err := s.Normalize(); err != nil {
		return withHint(fmt.Errorf("post: %s: %w", fs.Arg(0), err), "the fields of a sighting are in docs/SIGHTING.md")
	}
	st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var sid int64
	var added bool
	err = st.Update(ctx, func(w store.Writer) error {
		var err error
		sid, added, err = w.AddSighting(ctx, *s, store.Source{Name: sourceName(fs.Arg(0), s)})
		return err
	})
	if err != nil {
		return fmt.Errorf("post: storing the sighting: %w", err)
	}
	r.stored = fmt.Sprintf("sighting %d (stored before) in %s", sid, e.storeName())
	if added {
		r.stored = fmt.Sprintf("sighting %d in %s", sid, e.storeName())
	}
	r.job = publish.Job{Sighting: s, Hash: store.SightingHash(s), SightingID: sid, Lang: cfg.Compose.Lang, MaxParts: cfg.Compose.MaxParts, Again: f.again}

	// The card.
	if !f.noCard && !cfg.Post.NoCard {
		png, err := card.Render(s, card.Options{Font: os.Getenv("IOCAST_CARD_FONT"), EmojiFont: os.Getenv("IOCAST_CARD_EMOJI_FONT")})
		if err != nil {
			return withHint(fmt.Errorf("post: card: %w", err), "set IOCAST_CARD_FONT and IOCAST_CARD_EMOJI_FONT to readable font files, unset them, or use --no-card; see docs/CARD.md")
		}
		r.cardPath = f.cardOut
		if r.cardPath == "" {
			if r.cardPath, err = cardPath(cfg.Post.CardDir, r.job.Hash); err != nil {
				return err
			}
		}
		if err := writeFileAtomic(r.cardPath, png); err != nil {
			return fmt.Errorf("post: card: %w", err)
		}
		r.job.Card = &publish.Media{Name: "card.png", MIME: "image/png", Data: png, Alt: cardAlt(s), Width: card.Width, Height: card.Height}
	}

	if r.dry {
		return e.dryRun(ctx, st, r, f.format)
	}
	return e.publish(ctx, st, r, f.format)
}

// storeName names the store for the output: the SQLite file, or
// "PostgreSQL" (a DSN may hold a password).
func (e *env) storeName() string {
	dsn, err := e.dbDSN()
	switch {
	case err != nil:
		return "the store"
	case postgres.IsDSN(dsn):
		return "PostgreSQL"
	}
	return dsn
}

// postPlatforms returns the platforms to post to and decides on a dry run:
// --to, else post.to, else every configured account; with no account at
// all, every platform, in a dry run.
func (e *env) postPlatforms(cfg config.Config, to stringList, r *postRun) ([]string, error) {
	var names []string
	for _, v := range to {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	if err := config.CheckPlatforms(names); err != nil {
		return nil, usageErrorf("--to: %v", err)
	}
	if len(names) == 0 {
		names = cfg.Post.To
	}
	configured := cfg.Accounts()
	if len(names) == 0 {
		names = configured
	}
	if len(names) == 0 {
		r.dry, r.why = true, "no account is configured (docs/PUBLISHING.md)"
		return config.PostPlatforms, nil
	}
	if r.dry {
		r.why = "--dry-run"
		return names, nil
	}
	var missing []string
	for _, n := range names {
		if !slices.Contains(configured, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == len(names) {
		r.dry, r.why = true, "no account is configured for "+strings.Join(missing, ", ")+" (docs/PUBLISHING.md)"
	} else if len(missing) > 0 {
		return nil, withHint(fmt.Errorf("post: no account is configured for %s", strings.Join(missing, ", ")),
			"set its IOCAST_* variables (docs/PUBLISHING.md), leave it out of --to, or add --dry-run")
	}
	return names, nil
}

// sourceName is the provenance recorded for a posted sighting.
func sourceName(file string, s *intel.Sighting) string {
	if s.Source != "" {
		return s.Source
	}
	if file == "-" {
		return "post"
	}
	return filepath.Base(file)
}

// cardPath is where the card of a sighting is written by default.
func cardPath(dir, hash string) (string, error) {
	if dir == "" {
		db, err := dataDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(db, "cards")
	}
	return filepath.Join(dir, "card-"+hash[:16]+".png"), nil
}

// dataDir is $XDG_DATA_HOME/iocast, or ~/.local/share/iocast.
func dataDir() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("post: no data directory (set XDG_DATA_HOME or --card-out): %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "iocast"), nil
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it into place, creating the directory: a reader never sees half a card.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".card-*.png")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// cardAlt describes the card for screen readers.
func cardAlt(s *intel.Sighting) string {
	name := s.Family
	if name == "" {
		name = "malware"
	}
	if s.Version != "" {
		name += " " + s.Version
	}
	hashes := 0
	for _, smp := range s.Samples {
		for _, h := range []string{smp.MD5, smp.SHA1, smp.SHA256} {
			if h != "" {
				hashes++
			}
		}
	}
	return fmt.Sprintf("Evidence card: %s, %d C2 endpoint(s), %d sample hash(es), TLP:%s. The full sighting is embedded in the PNG as JSON (iocast parse --image).",
		name, len(s.C2), hashes, tlpOrClear(s.TLP))
}

func tlpOrClear(t string) string {
	if t == "" {
		return "CLEAR"
	}
	return strings.ToUpper(t)
}

// plannedPart is one part of a dry run's output.
type plannedPart struct {
	Text   string          `json:"text"`
	Length int             `json:"length"`
	Limit  int             `json:"limit"`
	Facets []postfmt.Facet `json:"facets,omitempty"`
	// ReplyTo is the part (1-based) this one replies to; 0 for none.
	ReplyTo int `json:"reply_to,omitempty"`
	// Media names the attached image.
	Media string `json:"media,omitempty"`
}

// planned is one platform of a dry run.
type planned struct {
	Platform string        `json:"platform"`
	Endpoint string        `json:"endpoint"`
	Parts    []plannedPart `json:"parts,omitempty"`
	// Note says what a real run would do differently: refuse a posted
	// sighting, resume a thread.
	Note  string `json:"note,omitempty"`
	Error string `json:"error,omitempty"`
}

// dryRun prints what would be sent, asking configured accounts only for
// their limits (read-only).
func (e *env) dryRun(ctx context.Context, st store.Store, r postRun, format string) error {
	client := &http.Client{Timeout: httpTimeout}
	var out []planned
	for _, name := range r.platforms {
		p := planned{Platform: name, Endpoint: endpoint(r.cfg, name)}
		lim := publish.DefaultLimits(name)
		if slices.Contains(r.cfg.Accounts(), name) {
			if a, err := newAdapter(r.cfg, name, client); err == nil {
				if l, err := a.Limits(ctx); err == nil {
					lim = l
				} else {
					e.warnf("%s: cannot read the account's limits (%v); using the default", name, err)
				}
			}
		}
		_, published, unfinished, err := publish.Existing(ctx, st.Outbox(), r.job.Hash, name)
		if err != nil {
			return err
		}
		var texts []string
		switch {
		case unfinished != nil:
			p.Note = "resumes the unfinished thread of an earlier run"
			for _, post := range unfinished {
				if post.State != store.PostPublished {
					texts = append(texts, post.Text)
				}
			}
		case published != nil && !r.job.Again:
			p.Note = "already posted (" + published[0].URL + "): a real run refuses it unless --again"
		}
		if unfinished == nil {
			post, err := publish.Compose(r.job, lim)
			if err != nil {
				p.Error = err.Error()
				out = append(out, p)
				continue
			}
			for _, part := range post.Parts {
				texts = append(texts, part.Text)
			}
		}
		pl, err := postfmt.LimitFor(lim.Rules)
		if err != nil {
			return err
		}
		if lim.Max > 0 {
			pl.Max = lim.Max
		}
		for i, t := range texts {
			pp := plannedPart{Text: t, Length: pl.Length(t), Limit: pl.Max}
			if name == publish.PlatformBluesky {
				pp.Facets = postfmt.BlueskyFacets(t)
			}
			if i > 0 && name != publish.PlatformWebhook {
				pp.ReplyTo = i
			}
			if i == 0 && r.job.Card != nil && name != publish.PlatformWebhook && unfinished == nil {
				pp.Media = r.cardPath
			}
			p.Parts = append(p.Parts, pp)
		}
		out = append(out, p)
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"dry_run": true, "reason": r.why, "stored": r.stored, "card": r.cardPath, "platforms": out})
	}
	w := e.stdout
	fmt.Fprintf(w, "dry run: %s; nothing is sent\n", r.why)
	fmt.Fprintf(w, "stored: %s\n", r.stored)
	if r.cardPath != "" {
		fmt.Fprintf(w, "card: %s\n", r.cardPath)
	}
	for _, p := range out {
		fmt.Fprintf(w, "\n== %s: %s\n", p.Platform, p.Endpoint)
		if p.Note != "" {
			fmt.Fprintf(w, "note: %s\n", p.Note)
		}
		if p.Error != "" {
			fmt.Fprintf(w, "error: %s\n", p.Error)
		}
		for i, part := range p.Parts {
			extra := ""
			if part.ReplyTo > 0 {
				extra += fmt.Sprintf(", reply to part %d", part.ReplyTo)
			}
			if part.Media != "" {
				extra += ", card attached"
			}
			fmt.Fprintf(w, "# part %d/%d %d/%d%s\n%s\n", i+1, len(p.Parts), part.Length, part.Limit, extra, part.Text)
		}
	}
	return nil
}

// publish posts for real, through the outbox.
func (e *env) publish(ctx context.Context, st store.Store, r postRun, format string) error {
	client := &http.Client{Timeout: httpTimeout}
	adapters := map[string]publish.Adapter{}
	for _, name := range r.platforms {
		a, err := newAdapter(r.cfg, name, client)
		if err != nil {
			return withHint(fmt.Errorf("post: %s: %w", name, err), "see docs/PUBLISHING.md for the variables each platform needs")
		}
		adapters[name] = a
	}
	maxWait, err := time.ParseDuration(r.cfg.Post.MaxWait)
	if err != nil {
		return fmt.Errorf("post.max_wait: %w", err)
	}
	p := &publish.Publisher{Outbox: st.Outbox(), Adapters: adapters, Retry: publish.Retry{MaxWait: maxWait}, Log: e.log, Fault: publishFault}
	results := p.Publish(ctx, r.job, r.platforms)
	failed := 0
	for _, res := range results {
		if res.Err != nil {
			failed++
		}
	}
	if format == "json" {
		type jsonResult struct {
			publish.Result
			Error string `json:"error,omitempty"`
		}
		var out []jsonResult
		for _, res := range results {
			jr := jsonResult{Result: res}
			if res.Err != nil {
				jr.Error = res.Err.Error()
			}
			out = append(out, jr)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"stored": r.stored, "card": r.cardPath, "platforms": out}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "stored: %s\n", r.stored)
		writePublished(e.stdout, results, r.cardPath)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if failed > 0 {
		errs := make([]error, 0, failed)
		for _, res := range results {
			if res.Err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", res.Platform, res.Err))
			}
		}
		return withHint(errors.Join(errs...), "run the same command again to resume: parts already posted are not posted twice")
	}
	return nil
}

func writePublished(w io.Writer, results []publish.Result, cardPath string) {
	if cardPath != "" {
		fmt.Fprintf(w, "card: %s\n", cardPath)
	}
	for _, res := range results {
		done := 0
		for _, p := range res.Parts {
			if p.State == store.PostPublished {
				done++
			}
		}
		status := "posted"
		if res.Err != nil {
			status = "FAILED"
		}
		resumed := ""
		if res.Resumed {
			resumed = ", resumed"
		}
		fmt.Fprintf(w, "%s: %s %d/%d part(s)%s\n", res.Platform, status, done, len(res.Parts), resumed)
		for i, p := range res.Parts {
			if p.URL != "" || p.ID != "" {
				link := p.URL
				if link == "" {
					link = p.ID
				}
				fmt.Fprintf(w, "  %d. %s\n", i+1, link)
			}
		}
	}
}
