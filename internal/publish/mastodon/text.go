package mastodon

import (
	"html"
	"strings"
)

// plainText turns a status's content, the HTML Mastodon renders from the
// text that was posted, back into that text: a paragraph (<p>) ends with a
// blank line, <br> is a line break, every other tag is dropped but its
// text kept (a link's text is split into spans, some of them hidden, that
// together spell the URL as written), and character references are
// unescaped. The result is trimmed.
func plainText(content string) string {
	var b strings.Builder
	for content != "" {
		i := strings.IndexByte(content, '<')
		if i < 0 {
			b.WriteString(html.UnescapeString(content))
			break
		}
		b.WriteString(html.UnescapeString(content[:i]))
		content = content[i:]
		end := tagEnd(content)
		if end < 0 {
			b.WriteString(html.UnescapeString(content))
			break
		}
		name, closing := tagName(content[1 : end-1])
		switch {
		case name == "br":
			b.WriteByte('\n')
		case name == "p" && closing:
			b.WriteString("\n\n")
		case name == "p" && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n"):
			b.WriteString("\n\n")
		}
		content = content[end:]
	}
	return strings.TrimSpace(b.String())
}

// tagEnd returns the index just past the '>' that closes the tag s starts
// with, skipping quoted attribute values; -1 when the tag is not closed.
func tagEnd(s string) int {
	var quote byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return -1
}

// tagName returns the lower-case name of the tag whose text (between < and
// >) is s, and whether it is a closing tag.
func tagName(s string) (name string, closing bool) {
	if strings.HasPrefix(s, "/") {
		closing = true
		s = s[1:]
	}
	n := 0
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return strings.ToLower(s[:n]), closing
}
