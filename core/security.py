"""Response headers that keep pages self-contained and private."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Nothing from other hosts, no scripts, no framing: the pages are plain documents.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    """Set CSP, no-referrer, nosniff and no-framing on every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts and request.is_secure:  # only over HTTPS; see docs/security.md before enabling
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}")
    return response


def apply_proxy_fix(app: Flask) -> None:
    """Trust ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from ``PROXY_FIX`` proxies (the
    number of reverse proxies in front of the app; 0 or unset: none, the default). Only
    then is the forwarded address the one login throttling counts: without a proxy the
    header is anyone's to forge, and with one but unset every user shares its address."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops < 0 or hops > 5:
        from core.errors import StartupError

        raise StartupError(f"PROXY_FIX={hops}: give the number of reverse proxies in front "
                           "of partycard (usually 1), or 0 for none.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
