package extract

import (
	"embed"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed warninglists/*.json
var builtinFS embed.FS

var (
	builtinOnce  sync.Once
	builtinLists []*Warninglist
)

// Builtin returns iocast's own warninglists (see docs/WARNINGLISTS.md), in
// name order. They are compiled once and shared; do not modify them.
func Builtin() []*Warninglist {
	builtinOnce.Do(func() {
		ents, err := builtinFS.ReadDir("warninglists")
		if err != nil {
			panic("extract: embedded warninglists: " + err.Error())
		}
		for _, e := range ents {
			name := strings.TrimSuffix(e.Name(), ".json")
			f, err := builtinFS.Open(path.Join("warninglists", e.Name()))
			if err != nil {
				panic("extract: embedded warninglists: " + err.Error())
			}
			w, err := LoadWarninglist(f, name)
			f.Close()
			if err != nil {
				panic("extract: embedded warninglist " + name + ": " + err.Error())
			}
			builtinLists = append(builtinLists, w)
		}
		sort.Slice(builtinLists, func(i, j int) bool { return builtinLists[i].Name < builtinLists[j].Name })
	})
	return builtinLists
}

var (
	refsOnce  sync.Once
	refsIndex *listIndex
)

// builtinRefs indexes the built-in reference lists.
func builtinRefs() *listIndex {
	refsOnce.Do(func() {
		var refs []*Warninglist
		for _, w := range Builtin() {
			if w.Reference {
				refs = append(refs, w)
			}
		}
		refsIndex = newListIndex(refs)
	})
	return refsIndex
}
