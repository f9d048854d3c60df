// Package yamlpos places the errors of go.yaml.in/yaml/v3 at their lines,
// so that the configuration file and sighting files report "file:line:
// reason" the same way.
package yamlpos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one error of a YAML document: its 1-based line (0 when the
// yaml package did not give one) and the message without the position.
type Problem struct {
	Line int
	Msg  string
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Problems splits a yaml error into one Problem per message: a TypeError
// holds several, anything else is one.
func Problems(err error) []Problem {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]Problem, 0, len(te.Errors))
		for _, e := range te.Errors {
			out = append(out, problem(e))
		}
		return out
	}
	return []Problem{problem(err.Error())}
}

func problem(msg string) Problem {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Msg: m[2]}
	}
	return Problem{Msg: strings.TrimPrefix(msg, "yaml: ")}
}
