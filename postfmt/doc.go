// Package postfmt is iocast's post format: how a sighting is composed into
// a post for X, Mastodon and Bluesky and parsed back, and the exact length
// and link rules of each platform.
//
// The length rules are those the platforms enforce:
//
//   - X: twitter-text's weighted length (XWeightedLength, XParse), limit
//     280: Unicode NFC first, then code points weigh 1 or 2 by range, every
//     emoji sequence weighs 2 and every URL, with or without a scheme, 23.
//   - Mastodon: grapheme clusters (MastodonLength) after every URL with a
//     scheme is counted as 23 characters and every remote mention
//     @user@domain as @user; the limit is per instance, 500 by default.
//   - Bluesky: at most 300 grapheme clusters and 3000 UTF-8 bytes
//     (BlueskyLength), URLs counted in full.
//
// Each platform also turns parts of a post into live links; XLinks,
// MastodonLinks and BlueskyLinks return those parts as byte spans, so that a
// composer can prove that no defanged indicator is linked anywhere.
// BlueskyFacets returns the rich-text facets (links, tags, mentions) the
// Bluesky client would attach, with UTF-8 byte offsets.
//
// Measure and the Limit values tie the rules together for callers that only
// know a platform's name.
package postfmt

// The data tables are generated from twitter-text's conformance TLD list and
// from the npm packages twemoji-parser 11.0.2 (installed with
// twitter-text@3.1.0) and tlds, installed outside the repository:
//
//go:generate sh -c "go run twittertext_gen.go -tldlib ../../shared/testdata/twitter-text/conformance/tld_lib.yml -twemoji $NODE_MODULES/twemoji-parser/dist/lib/regex.js -tlds $NODE_MODULES/tlds/index.json -tldsversion $TLDS_VERSION -out ."
