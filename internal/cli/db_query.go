package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// dbSearch runs "iocast db search VALUE".
func (e *env) dbSearch(ctx context.Context, args []string) error {
	var asJSON bool
	fs := newFlagSet("db search")
	fs.BoolVar(&asJSON, "json", false, "print JSON Lines records instead of a table")
	if done, err := e.parse("db", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("db search: give one VALUE (an indicator, a domain, or a CIDR range)")
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.Search(ctx, fs.Arg(0))
	if errors.Is(err, intel.ErrNotFound) {
		return fmt.Errorf("db search: %s: not in the store: %w", fs.Arg(0), err)
	}
	if err != nil {
		return fmt.Errorf("db search: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tVALUE\tFIRST SEEN\tLAST SEEN\tSIGHTINGS\tFAMILIES\tSTATE")
	for _, r := range recs {
		v := r.Value
		if r.Port != 0 {
			v = net.JoinHostPort(v, strconv.Itoa(r.Port))
		}
		state := "active"
		if r.Revoked {
			state = "revoked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.Kind, v, r.FirstSeen.Format(time.DateOnly),
			r.LastSeen.Format(time.DateOnly), r.Sightings, strings.Join(r.Families, ","), state)
	}
	return tw.Flush()
}

// dbStats runs "iocast db stats".
func (e *env) dbStats(ctx context.Context, args []string) error {
	var asJSON bool
	fs := newFlagSet("db stats")
	fs.BoolVar(&asJSON, "json", false, "print the counts as JSON")
	if done, err := e.parse("db", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("db stats: unexpected argument %q", fs.Arg(0))
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("db stats: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "indicators\t%d\t(%d revoked)\n", st.Indicators, st.Revoked)
	var kinds []string
	for k := range st.ByKind {
		kinds = append(kinds, string(k))
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k, st.ByKind[intel.Kind(k)])
	}
	fmt.Fprintf(tw, "sightings\t%d\t(%d links)\n", st.Sightings, st.Links)
	fmt.Fprintf(tw, "collected posts\t%d\t\n", st.Collected)
	fmt.Fprintf(tw, "enrichments\t%d\t\n", st.Enrichments)
	for _, p := range []string{"draft", "queued", "published", "failed"} {
		fmt.Fprintf(tw, "posts %s\t%d\t\n", p, st.Posts[store.PostState(p)])
	}
	if !st.FirstSeen.IsZero() {
		fmt.Fprintf(tw, "seen\t%s … %s\t\n", st.FirstSeen.Format(time.DateOnly), st.LastSeen.Format(time.DateOnly))
	}
	fmt.Fprintf(tw, "schema\t%d\t\n", st.Schema)
	return tw.Flush()
}

// dbRevoke runs "iocast db revoke VALUE --reason R".
func (e *env) dbRevoke(ctx context.Context, args []string) error {
	var reason string
	fs := newFlagSet("db revoke")
	fs.StringVar(&reason, "reason", "", "why the indicator is withdrawn (required), kept in its history")
	if done, err := e.parse("db", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("db revoke: give one VALUE")
	}
	if strings.TrimSpace(reason) == "" {
		return usageErrorf("db revoke: --reason is required")
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Revoke(ctx, fs.Arg(0), reason)
	if err != nil {
		return fmt.Errorf("db revoke: %w", err)
	}
	fmt.Fprintf(e.stdout, "revoked %d indicator(s)\n", n)
	return nil
}
