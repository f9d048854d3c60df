package yamlpos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func TestProblems(t *testing.T) {
	var v struct {
		A int    `yaml:"a"`
		B []bool `yaml:"b"`
	}
	err := yaml.Unmarshal([]byte("a: x\nb: [1]\n"), &v)
	want := []Problem{
		{Line: 1, Msg: "cannot unmarshal !!str `x` into int"},
		{Line: 2, Msg: "cannot unmarshal !!int `1` into bool"},
	}
	if diff := cmp.Diff(want, Problems(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	err = yaml.Unmarshal([]byte("a: [\n"), &v)
	if got := Problems(err); len(got) != 1 || got[0].Line == 0 {
		t.Errorf("syntax error: %+v", got)
	}
}
