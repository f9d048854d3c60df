// Package intel holds iocast's domain nouns: indicator kinds and their
// canonical forms, validation, defanging and refanging, and the sentinel
// errors shared by every other package.
//
// It depends on the standard library and golang.org/x/net only, so that a
// collector written in Go can import it (and the extract and postfmt
// packages built on it) without pulling in the rest of iocast.
package intel
