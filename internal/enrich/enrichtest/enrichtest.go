// Package enrichtest provides a fake enrich.Source for tests.
package enrichtest

import (
	"context"
	"net/netip"
	"sync"

	"github.com/iocast/iocast/intel"
)

// Source answers from a map and counts the lookups it was asked.
type Source struct {
	// SourceName is what Name returns ("fake" when empty).
	SourceName string
	// Data maps addresses to what the source knows of them.
	Data map[netip.Addr]intel.Enrichment
	// Err, when set, is returned by every lookup.
	Err error

	mu    sync.Mutex
	calls []netip.Addr
}

// Name returns SourceName.
func (s *Source) Name() string {
	if s.SourceName == "" {
		return "fake"
	}
	return s.SourceName
}

// Lookup returns Data[ip], or Err.
func (s *Source) Lookup(ctx context.Context, ip netip.Addr) (intel.Enrichment, error) {
	s.mu.Lock()
	s.calls = append(s.calls, ip)
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return intel.Enrichment{}, err
	}
	if s.Err != nil {
		return intel.Enrichment{}, s.Err
	}
	return s.Data[ip], nil
}

// Calls returns the addresses looked up so far, in order.
func (s *Source) Calls() []netip.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]netip.Addr(nil), s.calls...)
}
