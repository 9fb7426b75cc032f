"""Signed tokens, the URLs and QR images made from them, and the routes they open."""
