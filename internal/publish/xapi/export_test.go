package xapi

// SetNonce fixes the oauth_nonce of c's requests, so that a test can
// compute their signature. Call it before the first request.
func SetNonce(c *Client, nonce string) { c.nonce.fixed = nonce }
