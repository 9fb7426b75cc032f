"""The URL a code encodes: ``<BASE_URL>/<M|B>/<token>``, kept in the QR alphanumeric set."""

from __future__ import annotations

from urllib.parse import urlsplit

from qr.tokens import Kind, make_token

SHORT_KIND: dict[Kind, str] = {"member": "M", "branch": "B"}
KIND_BY_SHORT: dict[str, Kind] = {v: k for k, v in SHORT_KIND.items()}


def normalise_base_url(base_url: str) -> str:
    """Uppercase the scheme and host (case-insensitive by RFC 3986), keep the path as given.

    Raises ValueError for anything that is not ``http(s)://host[:port][/path]`` in plain
    ASCII: a query, fragment, password, space or bad port would be printed on every card.
    """
    wrong = ValueError(f"BASE_URL must look like https://host[:port][/path], got {base_url!r}")
    if not isinstance(base_url, str):
        raise wrong
    text = base_url.strip().rstrip("/")
    if not text.isascii() or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise wrong
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or parts.query or parts.fragment or "@" in parts.netloc or "?" in text \
            or "#" in text:
        raise wrong
    try:
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        raise wrong from None
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}"


# The settings qr cannot work with unless they are right, checked at start-up (app.py
# passes them to core.settings.check_settings): no card or code image could be made
# from an unusable BASE_URL.
SETTINGS_CHECKS = {
    "BASE_URL": (normalise_base_url,
                 "Set BASE_URL (config.py or PARTYCARD_BASE_URL) to the address phones open, "
                 "e.g. https://pc.example.org, and start again."),
}


def card_url(base_url: str, keys: list[str], kind: Kind, record_id: int, generation: int) -> str:
    """The URL printed in the code for one record's current card."""
    token = make_token(keys, kind, record_id, generation)
    return f"{normalise_base_url(base_url)}/{SHORT_KIND[kind]}/{token}"
