package intel

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestRecordJSONOmitsEmpty checks that a record's JSON (db export --format
// jsonl) leaves out what is not known, the enrichment included, and keeps
// an enrichment that is.
func TestRecordJSONOmitsEmpty(t *testing.T) {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	r := Record{Indicator: Indicator{Kind: KindDomain, Value: "evil.example.com"}, FirstSeen: at, LastSeen: at}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"domain","value":"evil.example.com","first_seen":"2024-05-01T09:00:00Z","last_seen":"2024-05-01T09:00:00Z","sightings":0}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	r.Enrichment = Enrichment{ASN: "AS63949"}
	if b, _ = json.Marshal(r); !strings.Contains(string(b), `"enrichment":{"asn":"AS63949"}`) {
		t.Errorf("enrichment lost: %s", b)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil || back.ASN != "AS63949" {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
