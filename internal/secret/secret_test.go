package secret_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/iocast/iocast/internal/secret"
)

const value = "s3cr3t-t0ken-value"

type account struct {
	Name  string        `json:"name" yaml:"name"`
	Token secret.String `json:"token" yaml:"token"`
}

func TestNeverPrinted(t *testing.T) {
	s := secret.New(value)
	a := account{Name: "me", Token: s}
	var outs []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%T"} {
		outs = append(outs, fmt.Sprintf(f, s), fmt.Sprintf(f, a), fmt.Sprintf(f, &a), fmt.Sprintf(f, []secret.String{s}))
	}
	outs = append(outs, fmt.Sprint(s), fmt.Sprintln(a), s.String(), s.GoString())
	j, _ := json.Marshal(a)
	y, _ := yaml.Marshal(a)
	outs = append(outs, string(j), string(y))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	log.Info("posting", "token", s, "account", a)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("posting", "token", s, "account", a)
	outs = append(outs, logs.String(), fmt.Errorf("auth failed with %v", s).Error(), errors.New(s.String()).Error())
	for _, out := range outs {
		if strings.Contains(out, value) || secret.Contains(out, s) {
			t.Errorf("printed the secret: %s", out)
		}
	}
	if !strings.Contains(string(j), `"token":"[redacted]"`) {
		t.Errorf("JSON = %s", j)
	}
	if s.Reveal() != value || !s.IsSet() {
		t.Error("Reveal lost the value")
	}
}

func TestRead(t *testing.T) {
	var a account
	if err := yaml.Unmarshal([]byte("name: me\ntoken: "+value+"\n"), &a); err != nil || a.Token.Reveal() != value {
		t.Fatalf("yaml: %v, %q", err, a.Token.Reveal())
	}
	var empty secret.String
	if empty.IsSet() || empty.String() != "" || fmt.Sprint(empty) != "" {
		t.Errorf("an empty secret prints %q", fmt.Sprint(empty))
	}
	if !secret.Contains("x "+value+" y", secret.New(value)) || secret.Contains("anything", empty) {
		t.Error("Contains")
	}
	if !a.Token.Equal(secret.New(value)) || a.Token.Equal(empty) {
		t.Error("Equal")
	}
}
