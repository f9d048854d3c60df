package stix

import (
	"strings"
	"time"
)

// tlp2Extension is the OASIS extension definition of TLP 2.0 markings.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp2Created is the created time of the OASIS TLP 2.0 marking definitions.
var tlp2Created = time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)

type marking struct{ id string }

// tlpMarkings are the standard TLP 2.0 marking definitions, by level.
var tlpMarkings = map[string]marking{
	"CLEAR":        {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
	"GREEN":        {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
	"AMBER":        {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
	"AMBER+STRICT": {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
	"RED":          {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
}

// tlpByID maps TLP 2.0 and the STIX 2.1 predefined TLP 1.0 marking ids to
// levels, for import.
var tlpByID = map[string]string{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR", // TLP:WHITE
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
}

func init() {
	for level, m := range tlpMarkings {
		tlpByID[m.id] = level
	}
}

// tlpRank orders levels from least to most restrictive.
var tlpRank = map[string]int{"CLEAR": 0, "GREEN": 1, "AMBER": 2, "AMBER+STRICT": 3, "RED": 4}

// tlpOf returns the level of a record's TLP: CLEAR when empty, and RED,
// the safe side, when it is no TLP level.
func tlpOf(s string) string {
	t := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(s), "TLP:"))
	switch t {
	case "", "WHITE":
		return "CLEAR"
	}
	if _, ok := tlpMarkings[t]; ok {
		return t
	}
	return "RED"
}
