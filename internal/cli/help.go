package cli

import (
	"flag"
	"fmt"
	"github.com/iocast/iocast/internal/suggest"
	"io"
	"strings"
)

// command describes a command for help output. Dispatch is the switch in
// env.run; this table only feeds help.
type command struct {
	name     string
	args     string // synopsis after the flags
	summary  string // one line, for the command list
	help     string // paragraphs after the synopsis
	defineFn func(fs *flag.FlagSet)
}

var commands = []command{
	{
		name:    "extract",
		args:    "[FILE...]",
		summary: "find indicators of compromise in text",
		help: `Extract reads each FILE (standard input when none is given, or for "-")
and prints every distinct indicator it finds in it: IP addresses, domains,
URLs, e-mail addresses, hashes, CVEs, ASNs, file names, defanged or not.
Values that a warninglist matches (reference sites, CDN ranges, hashes of
empty files) are dropped unless --all is given.

Output formats (--format): text for people; jsonl and csv for machines,
stable and documented in docs/CLI.md.`,
		defineFn: func(fs *flag.FlagSet) { new(extractFlags).define(fs) },
	},
	{
		name:    "compose",
		args:    "FILE|-",
		summary: "write a sighting as a post (or thread) for X, Mastodon, Bluesky",
		help: `Compose reads one sighting (YAML or JSON, see docs/SIGHTING.md) from FILE,
or from standard input for "-", and writes it in post format v1
(docs/FORMAT.md) for each platform asked for: one post when it fits, else
a thread whose parts together carry every indicator. Each part is preceded
by a line "# PLATFORM PART/PARTS LENGTH/LIMIT".

Malicious values are defanged so that no platform links them; only sample
and reference links stay live. --format json prints
{"platform": …, "parts": [{"text": …, "length": …, "limit": …}]}, an array
of those for --platform all.`,
		defineFn: func(fs *flag.FlagSet) { new(composeFlags).define(fs); new(enrichFlags).define(fs) },
	},
	{
		name:    "parse",
		args:    "[FILE...]",
		summary: "read posts back into sightings",
		help: `Parse reads a post from each FILE (standard input when none is given, or
for "-") and prints what it says as a sighting (docs/SIGHTING.md) that
compose accepts unchanged. Posts in format v1 are read by their sections;
other posts fall back to the extractor, with the roles of the indicators
unknown. Lines that cannot be read are reported on standard error with
their position.

With --jsonl-input each line of the input is {"text": …, "url": …} (or
"parts": […] for a thread) and the url is kept as the sighting's source.
--format json prints one sighting, or an array when there are several;
jsonl prints one sighting per line.`,
		defineFn: func(fs *flag.FlagSet) { new(parseFlags).define(fs) },
	},
	{
		name:    "card",
		args:    "-o PNG FILE|-",
		summary: "render a sighting as an evidence card PNG",
		help: `Card reads one sighting (YAML or JSON, see docs/SIGHTING.md) from FILE,
or from standard input for "-", and writes its evidence card to -o: a
1200x675 PNG with the family and version, hashes, the C2 table (defanged,
with ASN, ISP and country), first seen, source, credit and the TLP colour.
C2s are enriched as by compose. The whole sighting is embedded in the PNG
as JSON (an iTXt chunk "iocast-sighting"), so nothing the picture leaves
out is lost: 'iocast parse --image card.png' reads it back.

CJK text is drawn with --font, $IOCAST_CARD_FONT, or Noto Sans CJK
(Debian: apt-get install fonts-noto-cjk); colour emoji and country flags
with $IOCAST_CARD_EMOJI_FONT or Noto Color Emoji (Debian: apt-get install
fonts-noto-color-emoji); see docs/CARD.md.`,
		defineFn: func(fs *flag.FlagSet) { new(cardFlags).define(fs); new(enrichFlags).define(fs) },
	},
	{
		name:    "post",
		args:    "FILE|-",
		summary: "publish a sighting on X, Mastodon, Bluesky, Misskey and webhooks, exactly once",
		help: `Post is iocast's main job. It reads one sighting (YAML or JSON, see
docs/SIGHTING.md), enriches its C2s as compose does, stores it, renders
its evidence card, composes it for each platform (a thread when it does
not fit one post) and publishes it with the card attached to the first
part.

Platforms: --to, else post.to, else every platform with an account in
the environment or the configuration (IOCAST_X_*, IOCAST_MASTODON_*,
IOCAST_BLUESKY_*, IOCAST_MISSKEY_*, IOCAST_WEBHOOK_URL). With no account
configured, or with --dry-run, nothing is sent: post prints what it
would send to each platform, where, and where the card was written.

Every part is recorded in the store's outbox before it is sent and
marked published after, so an interrupted or failed post is resumed by
running the same command again, without posting any part twice. A
sighting already posted to a platform is refused there unless --again.
Rate limits are waited for (up to post.max_wait); server errors are
retried with backoff; refused credentials are not. See
docs/PUBLISHING.md.`,
		defineFn: func(fs *flag.FlagSet) { new(postFlags).define(fs); new(enrichFlags).define(fs) },
	},
	{
		name:    "accounts",
		args:    "check [PLATFORM...]",
		summary: "verify the configured accounts' credentials without posting",
		help: `Accounts check asks each configured platform (or each PLATFORM named)
who its credentials belong to, without posting, and prints the account
and its post length limit, or why the check failed. A webhook cannot be
checked without posting; its host is shown. Exit status 1 when any check
fails. See docs/PUBLISHING.md.`,
		defineFn: func(fs *flag.FlagSet) { new(accountsFlags).define(fs) },
	},
	{
		name:    "enrich",
		args:    "[IP...]",
		summary: "look up the AS, AS organisation and country of IP addresses",
		help: `Enrich prints the AS number, AS organisation and country of each IP
address given, or of each line of standard input when none is given
(defanged addresses are accepted). It reads local data sets only, unless
--online names a network service: MaxMind DB files (GeoLite2, DB-IP Lite,
IPinfo Lite) and iptoasn.com files, from --ipdb, $IOCAST_IPDB,
enrich.ipdb in the configuration, or ~/.local/share/iocast/ipdb/.

--format jsonl prints {"ip", "asn", "as_org", "country"} per address,
leaving out what no data set knows. --check lists the data sets loaded,
their type, build date and coverage, and warns of any older than 30 days.
See docs/ENRICHMENT.md for where to get free data.`,
		defineFn: func(fs *flag.FlagSet) { new(enrichCmdFlags).define(fs) },
	},
	{
		name:    "db",
		args:    "import|export|search|stats|revoke …",
		summary: "keep and query the history of every indicator",
		help: `Db reads and writes the intelligence store: a SQLite file by default
($XDG_DATA_HOME/iocast/iocast.db), or PostgreSQL for a postgres:// DSN
(--db, IOCAST_DB or store.dsn). See docs/STORE.md.

  iocast db import [--format F] FILE...   sightings (YAML/JSON) and JSON Lines
                                          (extract --format jsonl, db export);
                                          all files in one transaction
  iocast db export [--format jsonl] [--kind K] [--family F] [--since 7d] [--revoked]
  iocast db search VALUE                  exact value, a domain and its
                                          subdomains, or a CIDR range
  iocast db stats [--json]
  iocast db revoke VALUE --reason R       withdraw; stays in history

Progress is shown on a terminal only.`,
	},
	{
		name:    "version",
		summary: "print iocast's version",
		help:    `Version prints "iocast VERSION".`,
	},
	{
		name:    "help",
		args:    "[COMMAND]",
		summary: "show help for iocast or a command",
		help:    `Help prints the help of COMMAND, or the list of commands.`,
	},
}

func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// help runs "iocast help [COMMAND]".
func (e *env) help(args []string) error {
	fs := newFlagSet("help")
	if done, err := e.parse("help", fs, args); done || err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		return e.printHelp(e.stdout, "")
	case 1:
		name := fs.Arg(0)
		if _, ok := lookupCommand(name); !ok {
			return usageErrorf("unknown command %q%s", name, suggest.DidYouMean(name, commandNames()))
		}
		return e.printHelp(e.stdout, name)
	}
	return &usageError{msg: "help takes at most one command", command: "help"}
}

// printHelp writes the help of iocast (name "") or of one command to w.
func (e *env) printHelp(w io.Writer, name string) error {
	global := newFlagSet("global")
	new(globals).define(global)
	if name == "" {
		fmt.Fprint(w, `iocast turns malware findings into fixed-format IoC posts, and posts back
into structured intelligence.

Usage:
  iocast [global flags] COMMAND [flags] [arguments]

Commands:
`)
		for _, c := range commands {
			fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprint(w, "\nGlobal flags (before or after the command):\n")
		printFlags(w, global, nil)
		fmt.Fprint(w, `
Run 'iocast help COMMAND' for a command's flags. Flags may come before or
after arguments; "--" ends the flags. Exit codes: 0 ok, 1 error, 2 usage.
`)
		return nil
	}
	c, _ := lookupCommand(name)
	fs := newFlagSet(name)
	if c.defineFn != nil {
		c.defineFn(fs)
	}
	synopsis := "iocast " + c.name
	if c.defineFn != nil {
		synopsis += " [flags]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", synopsis, strings.TrimSpace(c.help))
	if c.defineFn != nil {
		fmt.Fprint(w, "\nFlags:\n")
		printFlags(w, fs, nil)
	}
	fmt.Fprint(w, "\nGlobal flags:\n")
	printFlags(w, global, nil)
	return nil
}
