package rdap

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzResponse checks that no response body panics the reader of RDAP
// network objects (nested entities, jCards of any shape).
func FuzzResponse(f *testing.F) {
	for _, name := range []string{"arin-172.104.72.4.json", "apnic-45.77.28.124.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"entities":[{"roles":["registrant"],"vcardArray":["vcard",[["fn"]]]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var n network
		if json.Unmarshal(data, &n) != nil {
			return
		}
		e := n.enrichment()
		if len(e.Country) != 0 && len(e.Country) != 2 {
			t.Fatalf("country %q", e.Country)
		}
	})
}
