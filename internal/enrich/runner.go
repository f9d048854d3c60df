package enrich

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/iocast/iocast/intel"
)

// Source looks up what is known of an IP address's network. Lookup returns
// the zero Enrichment, and no error, when it knows nothing; fields it does
// not know are empty. ISP is the raw AS organisation or description: the
// Runner makes display names of it.
type Source interface {
	Name() string
	Lookup(ctx context.Context, ip netip.Addr) (intel.Enrichment, error)
}

// Resolver resolves domain names; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Defaults of Config.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultCacheSize   = 1 << 16
	DefaultConcurrency = 8
)

// Config says where a Runner looks and how it shows what it finds. The
// zero value looks nowhere and enriches nothing.
type Config struct {
	// Offline are local data sets, strongest first. Each field of a result
	// comes from the first source that knows it: one file may give the AS,
	// another the country.
	Offline []Source
	// Online are network services, consulted, strongest first, only for
	// public addresses whose fields the offline sources left empty. A
	// service that fails with a network error is not asked again.
	Online []Source
	// Names maps AS organisation names to the names to show ("The Constant
	// Company, LLC" → "Vultr"). Keys match case-insensitively.
	Names map[string]string
	// Resolve resolves C2 domains to enrich them. Off by default: asking
	// for an attacker's domain can tell the attacker someone is looking.
	Resolve bool
	// Resolver resolves domains when Resolve is set; nil means
	// net.DefaultResolver.
	Resolver Resolver
	// Timeout bounds each online lookup and each resolution
	// (DefaultTimeout when 0).
	Timeout time.Duration
	// CacheSize bounds the results kept, by address (DefaultCacheSize when 0).
	CacheSize int
	// Concurrency bounds the online lookups in flight in LookupAll
	// (DefaultConcurrency when 0).
	Concurrency int
	// Warn receives problems that do not stop enrichment (a service the
	// network cannot reach, a domain that does not resolve), once each.
	// nil drops them.
	Warn func(msg string)
}

// Runner enriches addresses and sightings. It is safe for concurrent use.
type Runner struct {
	cfg   Config
	names map[string]string // lower-case key → display name

	mu       sync.Mutex
	cache    map[netip.Addr]intel.Enrichment
	disabled map[int]bool // online sources that failed with a network error
	warned   map[string]bool
}

// New returns a Runner for cfg.
func New(cfg Config) *Runner {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = DefaultCacheSize
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	r := &Runner{
		cfg:      cfg,
		names:    make(map[string]string, len(cfg.Names)),
		cache:    map[netip.Addr]intel.Enrichment{},
		disabled: map[int]bool{},
		warned:   map[string]bool{},
	}
	for k, v := range cfg.Names {
		r.names[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return r
}

// Enabled reports whether the Runner has any source to look in.
func (r *Runner) Enabled() bool { return len(r.cfg.Offline)+len(r.cfg.Online) > 0 }

// Lookup returns what the sources know of ip, with the ISP as a display
// name. Fields nobody knows are empty. It fails only when an offline data
// set cannot be read; problems with online services are warnings.
func (r *Runner) Lookup(ctx context.Context, ip netip.Addr) (intel.Enrichment, error) {
	out, err := r.LookupAll(ctx, []netip.Addr{ip})
	if err != nil {
		return intel.Enrichment{}, err
	}
	return out[0], nil
}

// LookupAll looks up every address of ips, each once however often it
// appears, and returns the results in the order of ips. Online lookups run
// concurrently, at most Config.Concurrency at a time.
func (r *Runner) LookupAll(ctx context.Context, addrs []netip.Addr) ([]intel.Enrichment, error) {
	ips := make([]netip.Addr, len(addrs))
	out := make([]intel.Enrichment, len(addrs))
	var online []int // indexes into ips that the online sources should complete
	seen := map[netip.Addr]int{}
	for i, ip := range addrs {
		if !ip.IsValid() {
			return nil, fmt.Errorf("enrich: invalid IP address: %w", intel.ErrInvalid)
		}
		ip = ip.Unmap().WithZone("")
		ips[i] = ip
		if j, ok := seen[ip]; ok && j != i {
			continue
		}
		seen[ip] = i
		if e, ok := r.cached(ip); ok {
			out[i] = e
			continue
		}
		e, err := r.offline(ctx, ip)
		if err != nil {
			return nil, err
		}
		out[i] = e
		if !complete(e) && len(r.cfg.Online) > 0 && intel.IPFlags(ip) == 0 {
			online = append(online, i)
			continue
		}
		r.store(ip, out[i])
	}
	if len(online) > 0 {
		r.online(ctx, ips, out, online)
	}
	for i, ip := range ips {
		if j := seen[ip]; j != i {
			out[i] = out[j]
		}
	}
	return out, ctx.Err()
}

// offline merges what the offline sources know of ip.
func (r *Runner) offline(ctx context.Context, ip netip.Addr) (intel.Enrichment, error) {
	var e intel.Enrichment
	for _, s := range r.cfg.Offline {
		got, err := s.Lookup(ctx, ip)
		if err != nil {
			return intel.Enrichment{}, fmt.Errorf("enrich: %s: %w", s.Name(), err)
		}
		e = merge(e, r.display(got))
		if complete(e) {
			break
		}
	}
	return e, nil
}

// online completes out[i] for each i of todo from the online sources.
func (r *Runner) online(ctx context.Context, ips []netip.Addr, out []intel.Enrichment, todo []int) {
	sem := make(chan struct{}, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, i := range todo {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			e := out[i]
			for n, s := range r.cfg.Online {
				if complete(e) || ctx.Err() != nil {
					break
				}
				if r.isDisabled(n) {
					continue
				}
				lctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
				got, err := s.Lookup(lctx, ips[i])
				cancel()
				if err != nil {
					r.fail(n, s, err, ctx)
					continue
				}
				e = merge(e, r.display(got))
			}
			out[i] = e
			if ctx.Err() == nil {
				r.store(ips[i], e)
			}
		}()
	}
	wg.Wait()
}

// fail handles an online source's error: a network error disables the
// source for the rest of the run; others are reported once per source.
func (r *Runner) fail(n int, s Source, err error, parent context.Context) {
	if parent.Err() != nil {
		return
	}
	if isNetwork(err) {
		r.mu.Lock()
		r.disabled[n] = true
		r.mu.Unlock()
		r.warn(s.Name()+":unavailable", fmt.Sprintf("%s: network unavailable (%v); continuing without it", s.Name(), err))
		return
	}
	r.warn(s.Name()+":error", fmt.Sprintf("%s: %v", s.Name(), err))
}

// isNetwork reports an error that says the service cannot be reached:
// no route, refused, DNS failure, timeout.
func isNetwork(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

func (r *Runner) isDisabled(n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.disabled[n]
}

// warn passes msg to Config.Warn once per key.
func (r *Runner) warn(key, msg string) {
	r.mu.Lock()
	seen := r.warned[key]
	r.warned[key] = true
	r.mu.Unlock()
	if !seen && r.cfg.Warn != nil {
		r.cfg.Warn(msg)
	}
}

func (r *Runner) cached(ip netip.Addr) (intel.Enrichment, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[ip]
	return e, ok
}

func (r *Runner) store(ip netip.Addr, e intel.Enrichment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cache) >= r.cfg.CacheSize {
		clear(r.cache)
	}
	r.cache[ip] = e
}

// complete reports whether e has every field.
func complete(e intel.Enrichment) bool { return e.ASN != "" && e.ISP != "" && e.Country != "" }

// merge fills the empty fields of dst from src. An AS organisation is
// taken only along with its AS number, or when the numbers agree: the name
// of one AS must not be shown beside the number of another.
func merge(dst, src intel.Enrichment) intel.Enrichment {
	if dst.ISP == "" && src.ISP != "" && (dst.ASN == "" || src.ASN == "" || src.ASN == dst.ASN) {
		dst.ISP = src.ISP
	}
	if dst.ASN == "" {
		dst.ASN = src.ASN
	}
	if dst.Country == "" {
		dst.Country = src.Country
	}
	return dst
}
