package mastodon_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish/mastodon"
	"github.com/iocast/iocast/internal/publish/mastodon/mastodontest"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"empty", "", ""},
		{"paragraph", "<p>hello</p>", "hello"},
		{"line breaks", "<p>🚨 #LODEINFO<br />MD5:<br/>🔒 d839ab2c</p>", "🚨 #LODEINFO\nMD5:\n🔒 d839ab2c"},
		{"paragraphs", "<p>a</p><p>b<br>c</p>", "a\n\nb\nc"},
		{"entities", "<p>&lt;b&gt; &amp;amp; &quot;q&quot; &#39;s&#39; caf&eacute;</p>", "<b> &amp; \"q\" 's' café"},
		{"hashtag", `<p><a href="https://infosec.exchange/tags/Emotet" class="mention hashtag" rel="tag">#<span>Emotet</span></a> C2</p>`, "#Emotet C2"},
		{"long link", `<p>see <a href="https://example.com/a/very/long/path/to/a/report.html" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/long/path/t</span><span class="invisible">o/a/report.html</span></a></p>`, "see https://example.com/a/very/long/path/to/a/report.html"},
		{"mention", `<p><span class="h-card" translate="no"><a href="https://x.example/@bob" class="u-url mention">@<span>bob</span></a></span> hi</p>`, "@bob hi"},
		{"quoted > in attribute", `<p><a title="a>b" href="x">t</a></p>`, "t"},
		{"unclosed tag", `<p>a<span`, "a<span"},
		{"defanged", "<p>hxxp://evil[.]com/gate.php</p>", "hxxp://evil[.]com/gate.php"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mastodon.PlainText(tt.content); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}

// FuzzPlainText checks that the text of any status, rendered as the fake
// instance renders it (as Mastodon does), reads back as the same text up
// to white space.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"🚨⚡ #HUILoader\nマルウェア:\n🦠 HUI Loader\nMD5:\n🔒 d839ab2c2ea8f082f98478cb552d6709",
		"a\n\n\nb <c> & d",
		"see https://www.example.com/a/very/long/path/to/a/report.html?x=1&y=2 now",
		"&lt; #tag#tag2 foo#bar",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		content := mastodontest.Content("https://mastodon.example", s)
		got := mastodon.PlainText(content)
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(s), " ") {
			t.Errorf("text %q\nrendered %q\nread back %q", s, content, got)
		}
	})
}
