package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/internal/enrich"
	"github.com/iocast/iocast/internal/enrich/cymru"
	"github.com/iocast/iocast/internal/enrich/iptoasn"
	"github.com/iocast/iocast/internal/enrich/mmdb"
	"github.com/iocast/iocast/internal/enrich/rdap"
	"github.com/iocast/iocast/postfmt"
)

// maxDataAge is the age past which --check warns that a data set is stale.
const maxDataAge = 30 * 24 * time.Hour

// enrichFlags are the flags of every command that enriches.
type enrichFlags struct {
	ipdb      stringList
	online    stringList
	resolve   bool
	timeout   string
	dnsServer string
}

func (f *enrichFlags) define(fs *flag.FlagSet) {
	fs.Var(&f.ipdb, "ipdb", "look C2 addresses up in the IP data set `FILE` (.mmdb, .tsv, .tsv.gz; repeatable; default $IOCAST_IPDB, then ~/.local/share/iocast/ipdb/)")
	fs.Var(&f.online, "online", "also ask the online source `NAME`, cymru or rdap, for what the data sets do not know (repeatable)")
	fs.BoolVar(&f.resolve, "resolve", false, "resolve C2 domains to enrich them (off by default: it can alert the attacker)")
	fs.StringVar(&f.timeout, "timeout", "", "bound each online lookup and resolution by `DURATION` (default 5s)")
	fs.StringVar(&f.dnsServer, "dns-server", "", "ask the DNS server `HOST:PORT` for cymru and --resolve (default the system's resolver)")
}

// apply overlays the flags that were given on the configuration.
func (f *enrichFlags) apply(c *config.EnrichConfig, set map[string]bool) error {
	if set["ipdb"] {
		c.IPDB = f.ipdb
	}
	if set["online"] {
		var names []string
		for _, v := range f.online {
			names = append(names, strings.Split(v, ",")...)
		}
		if err := config.CheckEnrichOnline(names); err != nil {
			return usageErrorf("--online: %v", err)
		}
		c.Online = names
	}
	if set["resolve"] {
		c.Resolve = f.resolve
	}
	if set["timeout"] {
		if _, err := config.EnrichTimeout(f.timeout); err != nil {
			return usageErrorf("--timeout: %v", err)
		}
		c.Timeout = f.timeout
	}
	if set["dns-server"] {
		c.DNSServer = f.dnsServer
	}
	return nil
}

// dataset is an open IP data set.
type dataset struct {
	path   string
	source enrich.Source
	close  func() error
}

// enricher is a Runner with the data sets it reads.
type enricher struct {
	*enrich.Runner
	datasets []dataset
	online   []string
}

// Close closes the data sets.
func (en *enricher) Close() error {
	var errs []error
	for _, d := range en.datasets {
		if d.close != nil {
			errs = append(errs, d.close())
		}
	}
	return errors.Join(errs...)
}

// newEnricher opens the data sets and online sources c names. explicit
// says that the user named the data sets (flag, environment or file):
// then a missing one is an error; the default directory may be empty.
func (e *env) newEnricher(c config.EnrichConfig) (*enricher, error) {
	paths := c.IPDB
	if len(paths) == 0 {
		dir, err := config.DefaultIPDBDir(os.LookupEnv)
		if err == nil {
			paths = defaultDatasets(dir)
		}
		e.log.Debug("enrich: no data set configured; using the default directory", "dir", dir, "found", len(paths))
	}
	en := &enricher{online: c.Online}
	for _, p := range paths {
		d, err := openDataset(p)
		if err != nil {
			en.Close()
			return nil, withHint(fmt.Errorf("enrich: %w", err),
				"--ipdb, %s and enrich.ipdb name MaxMind DB (.mmdb) or iptoasn (.tsv, .tsv.gz) files; see docs/ENRICHMENT.md", "IOCAST_IPDB")
		}
		if t, ok := d.source.(*iptoasn.Table); ok {
			if in := t.Info(); in.Rejected > 0 {
				e.warnf("%s: %d malformed rows skipped; first: %v", p, in.Rejected, in.Errors[0])
			}
		}
		en.datasets = append(en.datasets, d)
	}
	timeout, err := config.EnrichTimeout(c.Timeout)
	if err != nil {
		en.Close()
		return nil, err
	}
	cfg := enrich.Config{Names: c.Names, Resolve: c.Resolve, Timeout: timeout, Warn: func(m string) { e.warnf("%s", m) }}
	for _, d := range en.datasets {
		cfg.Offline = append(cfg.Offline, d.source)
	}
	if c.DNSServer != "" {
		cfg.Resolver = dnsResolver(c.DNSServer)
	}
	for _, name := range c.Online {
		switch name {
		case "cymru":
			cfg.Online = append(cfg.Online, cymru.New(cymru.Config{Server: c.DNSServer}))
		case "rdap":
			cfg.Online = append(cfg.Online, rdap.New(rdap.Config{BaseURL: c.RDAPURL, HTTP: &http.Client{Timeout: timeout}}))
		}
	}
	en.Runner = enrich.New(cfg)
	return en, nil
}

// openDataset opens a data set by its name: .mmdb is a MaxMind DB, anything
// else an iptoasn table (gzip-compressed or not).
func openDataset(path string) (dataset, error) {
	if strings.EqualFold(filepath.Ext(path), ".mmdb") {
		r, err := mmdb.Open(path, mmdb.Options{})
		if err != nil {
			return dataset{}, err
		}
		return dataset{path: path, source: r, close: r.Close}, nil
	}
	t, err := iptoasn.Open(path, iptoasn.Options{})
	if err != nil {
		return dataset{}, err
	}
	return dataset{path: path, source: t}, nil
}

// defaultDatasets lists the data sets in dir, in name order.
func defaultDatasets(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var paths []string
	for _, ent := range entries {
		n := strings.ToLower(ent.Name())
		if !ent.IsDir() && (strings.HasSuffix(n, ".mmdb") || strings.HasSuffix(n, ".tsv") || strings.HasSuffix(n, ".tsv.gz")) {
			paths = append(paths, filepath.Join(dir, ent.Name()))
		}
	}
	slices.Sort(paths)
	return paths
}

// dnsResolver returns a resolver that asks server (host:port).
func dnsResolver(server string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
}

// warnMu serialises warnings, which online lookups send from goroutines.
var warnMu sync.Mutex

// warnf prints "iocast: warning: …".
func (e *env) warnf(format string, args ...any) {
	warnMu.Lock()
	defer warnMu.Unlock()
	fmt.Fprintf(e.stderr, "iocast: warning: "+format+"\n", args...)
}

// enrichCmdFlags are the flags of "iocast enrich".
type enrichCmdFlags struct {
	enrichFlags
	format string
	check  bool
}

func (f *enrichCmdFlags) define(fs *flag.FlagSet) {
	f.enrichFlags.define(fs)
	fs.StringVar(&f.format, "format", "", "output format: text or jsonl (default text)")
	fs.BoolVar(&f.check, "check", false, "list the data sets loaded, their type, build date and coverage, and warn of stale ones")
}

// enrichCmd runs "iocast enrich".
func (e *env) enrichCmd(ctx context.Context, args []string) error {
	var f enrichCmdFlags
	fs := newFlagSet("enrich")
	f.define(fs)
	if done, err := e.parse("enrich", fs, args); done || err != nil {
		return err
	}
	if f.format == "" {
		f.format = "text"
	}
	if f.format != "text" && f.format != "jsonl" {
		return usageErrorf("--format: %v", config.CheckChoice("format", f.format, []string{"text", "jsonl"}))
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	c := cfg.Enrich
	if err := f.apply(&c, setFlags(fs)); err != nil {
		return err
	}
	if f.check && fs.NArg() > 0 {
		return usageErrorf("--check takes no IP address")
	}
	en, err := e.newEnricher(c)
	if err != nil {
		return err
	}
	defer en.Close()
	if f.check {
		return e.enrichCheck(ctx, en)
	}
	if !en.Enabled() {
		dir, _ := config.DefaultIPDBDir(os.LookupEnv)
		return withHint(errors.New("enrich: no IP data set"),
			"put GeoLite2, DB-IP Lite, IPinfo Lite (.mmdb) or iptoasn (.tsv.gz) files in %s, or pass --ipdb FILE; see docs/ENRICHMENT.md", dir)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	var bad int
	if fs.NArg() > 0 {
		bad, err = e.enrichBatch(ctx, en, w, f.format, fs.Args(), 0)
	} else {
		bad, err = e.enrichStream(ctx, en, w, f.format)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err == nil && bad > 0 {
		err = fmt.Errorf("enrich: %d input(s) were not IP addresses", bad)
	}
	return err
}

// enrichStream enriches the addresses on standard input, one per line, in
// batches, flushing after each so that a slow pipe sees results as they
// come. Lines longer than 64 KiB are refused.
func (e *env) enrichStream(ctx context.Context, en *enricher, w *bufio.Writer, format string) (int, error) {
	br := bufio.NewReaderSize(e.stdin, 64<<10)
	const batch = 1024
	var lines []string
	bad, line := 0, 0
	flush := func() error {
		n, err := e.enrichBatch(ctx, en, w, format, lines, line-len(lines)+1)
		bad += n
		lines = lines[:0]
		if err != nil {
			return err
		}
		return w.Flush()
	}
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			b = []byte("(a line over 64 KiB)")
		}
		if len(b) > 0 {
			line++
			lines = append(lines, string(b))
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return bad, fmt.Errorf("enrich: standard input: %w", err)
		}
		// A full batch, the end, or no further line arrived yet.
		if len(lines) == batch || err != nil || br.Buffered() == 0 {
			if ferr := flush(); ferr != nil {
				return bad, ferr
			}
		}
		if err != nil {
			return bad, nil
		}
	}
}

// enrichBatch looks up and writes one batch of inputs; firstLine, when not
// 0, is the input line of the first, for messages. It returns the number
// of inputs that were not IP addresses.
func (e *env) enrichBatch(ctx context.Context, en *enricher, w io.Writer, format string, inputs []string, firstLine int) (int, error) {
	var ips []netip.Addr
	bad := 0
	for i, in := range inputs {
		s := strings.TrimSpace(in)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		ip, err := netip.ParseAddr(strings.Trim(intel.Refang(s), "[]"))
		if err != nil || ip.Zone() != "" {
			where := ""
			if firstLine != 0 {
				where = fmt.Sprintf("line %d: ", firstLine+i)
			}
			e.warnf("enrich: %s%q is not an IP address", where, clipText(s))
			bad++
			continue
		}
		ips = append(ips, ip.Unmap())
	}
	if len(ips) == 0 {
		return bad, nil
	}
	found, err := en.LookupAll(ctx, ips)
	if err != nil {
		return bad, err
	}
	for i, ip := range ips {
		if err := writeEnrichment(w, format, ip, found[i]); err != nil {
			return bad, err
		}
	}
	return bad, nil
}

// enrichRecord is the jsonl output: fields nobody knows are left out.
type enrichRecord struct {
	IP      string `json:"ip"`
	ASN     string `json:"asn,omitempty"`
	ASOrg   string `json:"as_org,omitempty"`
	Country string `json:"country,omitempty"`
}

// writeEnrichment writes one result:
//
//	{"ip":"172.104.72.4","asn":"AS63949","as_org":"Linode, LLC","country":"JP"}
//	172.104.72.4  AS63949  Linode, LLC  🇯🇵 JP
func writeEnrichment(w io.Writer, format string, ip netip.Addr, x intel.Enrichment) error {
	if format == "jsonl" {
		b, err := json.Marshal(enrichRecord{IP: ip.String(), ASN: x.ASN, ASOrg: x.ISP, Country: x.Country})
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	parts := []string{ip.String()}
	for _, v := range []string{x.ASN, x.ISP} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if x.Country != "" {
		parts = append(parts, strings.TrimSpace(postfmt.Flag(x.Country)+" "+x.Country))
	}
	_, err := fmt.Fprintln(w, strings.Join(parts, "  "))
	return err
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// enrichSighting fills the C2 enrichment that s leaves empty, for the
// commands that compose posts: c overlaid with the flags in set. With no
// data set configured or found, and no online source, it does nothing.
func (e *env) enrichSighting(ctx context.Context, s *intel.Sighting, c config.EnrichConfig, f *enrichFlags, set map[string]bool) error {
	if err := f.apply(&c, set); err != nil {
		return err
	}
	en, err := e.newEnricher(c)
	if err != nil {
		return err
	}
	defer en.Close()
	if !en.Enabled() {
		e.log.Debug("enrich: no IP data set; C2s keep the enrichment the sighting gives")
		return nil
	}
	return en.EnrichSighting(ctx, s)
}
