// Package stix reads and writes STIX 2.1 bundles of indicator records.
//
// Export streams: an Encoder writes, for each intel.Record, its observable
// (SCO, with a deterministic id as STIX 2.1 section 2.9 says), an indicator
// with a STIX pattern (a vulnerability for a CVE), and "indicates"
// relationships to malware family objects, under TLP 2.0 markings and
// iocast's identity. Ids are UUIDv5 over kind and value, so re-exports are
// stable. Import (Decode) streams a bundle's objects and turns patterns,
// observables, vulnerabilities and relationships back into records, and
// reports what it cannot use with its JSON path. The mapping is documented
// in docs/EXCHANGE.md.
package stix
