// Package enrich adds what is known of a C2's network — its AS number, the
// AS organisation as a display name, and the country — to IP addresses and
// to the C2 endpoints of sightings.
//
// The data comes from Sources: offline data sets first (MaxMind DB files,
// iptoasn.com tables: packages mmdb and iptoasn), then, only when asked
// for, online services (Team Cymru over DNS, RDAP: packages cymru and
// rdap). A Runner puts them together with a cache, batching, display-name
// shortening and the rule that a value already in a sighting wins over a
// looked-up one. The sources do not know of each other; internal/cli wires
// them. docs/ENRICHMENT.md is the user's manual.
package enrich
