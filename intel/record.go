package intel

import "time"

// Record is an indicator with its history, as a store keeps it and as the
// exchange formats (STIX, MISP, CSV, blocklists) export it.
type Record struct {
	Indicator
	// Port is set for host:port indicators (0 otherwise).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// FirstSeen and LastSeen bound the sightings of the indicator.
	FirstSeen time.Time `json:"first_seen" yaml:"first_seen"`
	LastSeen  time.Time `json:"last_seen" yaml:"last_seen"`
	// Sightings counts the sightings that carried the indicator.
	Sightings int `json:"sightings" yaml:"sightings"`
	// Families are the malware families it was seen with, sorted.
	Families []string `json:"families,omitempty" yaml:"families,omitempty"`
	// Role is what the indicator was in its sightings: "c2", "sample",
	// or "" when unknown (extracted from free text).
	Role string `json:"role,omitempty" yaml:"role,omitempty"`
	// TLP is the most restrictive TLP of its sightings (CLEAR when empty).
	TLP string `json:"tlp,omitempty" yaml:"tlp,omitempty"`
	// Confidence is 0–100 (STIX confidence scale); 0 means not stated.
	Confidence int `json:"confidence,omitempty" yaml:"confidence,omitempty"`
	// Sources name where it came from: post URLs, file names, feeds.
	Sources []string `json:"sources,omitempty" yaml:"sources,omitempty"`
	// Revoked is set when the indicator was withdrawn; it stays in history.
	Revoked bool `json:"revoked,omitempty" yaml:"revoked,omitempty"`
	// Enrichment of the indicator's IP address, when known.
	Enrichment `json:"enrichment,omitzero" yaml:"enrichment,omitempty"`
}
