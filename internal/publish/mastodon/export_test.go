package mastodon

// PlainText exports plainText to the tests.
var PlainText = plainText
