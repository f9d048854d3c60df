package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/postfmt"
)

// maxPost bounds one post read by "iocast parse": far more than any
// platform allows, so that a wrong file fails fast.
const maxPost = 1 << 20

// parseFlags are the flags of "iocast parse".
type parseFlags struct {
	format     string
	jsonlInput bool
	image      string // --image: read the sighting embedded in an evidence card (card.go)
}

func (f *parseFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "", "output format: json or jsonl (default json)")
	fs.BoolVar(&f.jsonlInput, "jsonl-input", false, `read one {"text": …, "url": …} object per line instead of one post per file`)
	fs.StringVar(&f.image, "image", "", "print the sighting embedded in the evidence card `PNG` (iocast card) instead of reading posts")
}

// post is one input of "iocast parse": a post or a thread, and where it
// came from.
type post struct {
	name  string   // for messages: "post.txt" or "posts.jsonl:7"
	parts []string // one for a post
	url   string
}

// jsonlPost is one line of --jsonl-input.
type jsonlPost struct {
	Text  string   `json:"text"`
	Parts []string `json:"parts"`
	URL   string   `json:"url"`
}

// parsePosts runs "iocast parse".
func (e *env) parsePosts(ctx context.Context, args []string) error {
	var f parseFlags
	fs := newFlagSet("parse")
	f.define(fs)
	if done, err := e.parse("parse", fs, args); done || err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	c := cfg.Parse
	if set := setFlags(fs); set["format"] {
		if err := config.CheckChoice("format", f.format, config.ParseFormats); err != nil {
			return usageErrorf("%v", err)
		}
		c.Format = f.format
	}
	if f.image != "" {
		return e.printCard(f.image, fs.Args(), c.Format)
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	var posts []post
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		ps, err := e.readPosts(name, f.jsonlInput)
		if err != nil {
			return err
		}
		posts = append(posts, ps...)
	}
	var sightings []*intel.Sighting
	for _, p := range posts {
		r := postfmt.ParseThread(p.parts)
		if len(p.parts) == 1 {
			r = postfmt.Parse(p.parts[0])
		}
		if r.Format == "" {
			fmt.Fprintf(e.stderr, "iocast: note: %s: not post format %s; indicators extracted, roles unknown\n", p.name, postfmt.FormatVersion)
		}
		for _, pr := range r.Problems {
			fmt.Fprintf(e.stderr, "iocast: warning: %s: %s\n", p.name, pr.Error())
		}
		s := r.Sighting
		s.Source = p.url
		sightings = append(sightings, &s)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if c.Format == "jsonl" {
		for _, s := range sightings {
			if err := enc.Encode(s); err != nil {
				return err
			}
		}
		return nil
	}
	enc.SetIndent("", "  ")
	if len(sightings) == 1 && !f.jsonlInput {
		return enc.Encode(sightings[0])
	}
	if sightings == nil {
		sightings = []*intel.Sighting{}
	}
	return enc.Encode(sightings)
}

// readPosts reads one post from the file, or one per line with jsonl.
func (e *env) readPosts(name string, jsonl bool) ([]post, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		defer f.Close()
		r = f
	}
	if !jsonl {
		data, err := io.ReadAll(io.LimitReader(r, maxPost+1))
		if err != nil {
			return nil, fmt.Errorf("parse: %s: %w", name, err)
		}
		if len(data) > maxPost {
			return nil, fmt.Errorf("parse: %s: a post of more than %d bytes: %w", name, maxPost, intel.ErrTooLarge)
		}
		return []post{{name: name, parts: []string{string(data)}}}, nil
	}
	var posts []post
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxPost)
	for line := 1; sc.Scan(); line++ {
		where := name + ":" + strconv.Itoa(line)
		if len(sc.Bytes()) == 0 {
			continue
		}
		var jp jsonlPost
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&jp); err != nil {
			return nil, withHint(fmt.Errorf("parse: %s: %v: %w", where, err, intel.ErrInvalid),
				`each line of --jsonl-input is {"text": "…", "url": "…"} (or "parts": ["…", …] for a thread)`)
		}
		parts := jp.Parts
		if jp.Text != "" {
			parts = append([]string{jp.Text}, parts...)
		}
		posts = append(posts, post{name: where, parts: parts, url: jp.URL})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("parse: %s: a line of more than %d bytes: %w", name, maxPost, intel.ErrTooLarge)
		}
		return nil, fmt.Errorf("parse: %s: %w", name, err)
	}
	return posts, nil
}
