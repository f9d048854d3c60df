package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/iocast/iocast/extract"
	"github.com/iocast/iocast/intel"
)

// output writes extracted indicators in one format. The machine formats
// (jsonl, csv) are a stable interface, documented in docs/CLI.md.
type output interface {
	// Write writes the indicator m found in the input named file.
	Write(file string, m extract.Match) error
	// Flush writes everything buffered to the underlying writer.
	Flush() error
}

// newOutput returns the output for format (checked by the caller), writing
// to w. showFile prefixes text lines with the input's name.
func newOutput(format string, w io.Writer, showFile bool) output {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlOutput{bw: bw, enc: enc}
	case "csv":
		cw := csv.NewWriter(bw)
		o := &csvOutput{bw: bw, cw: cw}
		o.err = cw.Write(csvHeader)
		return o
	default:
		return &textOutput{bw: bw, showFile: showFile}
	}
}

// jsonRecord is one line of --format jsonl. Field names and order are stable.
type jsonRecord struct {
	Type           intel.Kind `json:"type"`
	Value          string     `json:"value"`
	Display        string     `json:"display,omitempty"`
	Defanged       string     `json:"defanged"`
	Port           int        `json:"port,omitempty"`
	File           string     `json:"file"`
	Start          int64      `json:"start"`
	End            int64      `json:"end"`
	Raw            string     `json:"raw"`
	SourceDefanged bool       `json:"source_defanged"`
	Warninglists   []string   `json:"warninglists,omitempty"`
}

type jsonlOutput struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func (o *jsonlOutput) Write(file string, m extract.Match) error {
	return o.enc.Encode(jsonRecord{
		Type:           m.Kind,
		Value:          m.Value,
		Display:        m.Display,
		Defanged:       m.Defanged(),
		Port:           m.Port,
		File:           file,
		Start:          m.Start,
		End:            m.End,
		Raw:            m.Raw,
		SourceDefanged: m.SourceDefanged,
		Warninglists:   m.Warnings,
	})
}

func (o *jsonlOutput) Flush() error { return o.bw.Flush() }

// csvHeader is the first record of --format csv. Columns and order are stable.
var csvHeader = []string{"type", "value", "defanged", "port", "file", "start", "end", "source_defanged", "warninglists"}

type csvOutput struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	err error // from writing the header
}

func (o *csvOutput) Write(file string, m extract.Match) error {
	if o.err != nil {
		return o.err
	}
	port := ""
	if m.Port != 0 {
		port = strconv.Itoa(m.Port)
	}
	return o.cw.Write([]string{
		string(m.Kind), m.Value, m.Defanged(), port, file,
		strconv.FormatInt(m.Start, 10), strconv.FormatInt(m.End, 10),
		strconv.FormatBool(m.SourceDefanged), strings.Join(m.Warnings, ";"),
	})
}

func (o *csvOutput) Flush() error {
	o.cw.Flush()
	if err := o.cw.Error(); err != nil {
		return err
	}
	return o.bw.Flush()
}

// kindWidth aligns the value column of --format text.
var kindWidth = func() int {
	w := 0
	for _, k := range intel.Kinds {
		w = max(w, len(k))
	}
	return w
}()

type textOutput struct {
	bw       *bufio.Writer
	showFile bool
}

func (o *textOutput) Write(file string, m extract.Match) error {
	if o.showFile {
		o.bw.WriteString(file)
		o.bw.WriteString(": ")
	}
	v := m.Value
	if m.Port != 0 && (m.Kind == intel.KindIPv4 || m.Kind == intel.KindIPv6 || m.Kind == intel.KindDomain) {
		v = net.JoinHostPort(v, strconv.Itoa(m.Port))
	}
	fmt.Fprintf(o.bw, "%-*s  %s", kindWidth, m.Kind, v)
	if len(m.Warnings) > 0 {
		fmt.Fprintf(o.bw, "  (warninglist: %s)", strings.Join(m.Warnings, ", "))
	}
	return o.bw.WriteByte('\n')
}

func (o *textOutput) Flush() error { return o.bw.Flush() }
