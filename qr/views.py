"""The routes a code opens: ``/M/<token>`` and ``/B/<token>`` (any case), and their images.

Each view resolves the token to the current card (``qr.cards``: 404 for any bad token or
unknown record, always the same plain page; 410 for an older card generation), then renders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale

from core.cache import cache, page_settings_fingerprint
from core.clock import today
from profiles.audit.checklist import branch_cadence_table, run_audit, settings_from_config
from profiles.enums import ENDED
from profiles.queries import branch_page, member_page, member_photo
from profiles.queries.cards import CardRef
from profiles.recruitment import reads as recruit_reads
from qr.cards import ReplacedCard, UnknownCard, current_card, verify_token
from qr.images import qr_png, qr_svg
from qr.links import SHORT_KIND, normalise_base_url
from qr.tokens import Kind, TokenData, make_token

bp = Blueprint("qr", __name__)

# Functions a feature registers (``app.extensions[SCAN_HOOKS]``) to answer a member card's
# URL before the page does: the console's 签到 sends a secretary at a meeting to the
# check-in. Each takes the token and returns a response, or None for the card page; ``qr``
# imports nothing from the features that register them.
SCAN_HOOKS = "partycard.card_scan_hooks"

PRIVATE = "private, no-store"  # a token page is one person's record: never in shared caches
IMMUTABLE = 31_536_000  # a year: the image of a token never changes


def _add(rule: str, endpoint: str, view: Callable[[str], Response | str]) -> None:
    """Register ``rule`` for both the uppercase kind the codes use and lowercase."""
    bp.add_url_rule(rule, endpoint, view)
    bp.add_url_rule(rule.replace("/M/", "/m/").replace("/B/", "/b/"), endpoint, view)


def _card(kind: Kind, token: str) -> CardRef:
    """The current card the token opens: 404 if unknown, 410 if replaced."""
    try:
        return current_card(kind, token)
    except ReplacedCard:
        abort(410)
    except UnknownCard:
        abort(404)


def _token(kind: Kind, token: str) -> TokenData:
    try:
        return verify_token(kind, token)
    except UnknownCard:
        abort(404)


def _private(body: str) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex, nofollow"  # a card is not for search engines
    response.vary.add("Cookie")  # a signed-in secretary at 签到 gets a redirect instead
    return response


def _canonical(kind: Kind, record_id: int, generation: int) -> str:
    """The token the newest key makes for a card: one spelling per card, for links."""
    return _signed(tuple(current_app.config["SIGNING_KEYS"]), kind, record_id, generation)


@lru_cache(maxsize=65_536)
def _signed(keys: tuple[str, ...], kind: Kind, record_id: int, generation: int) -> str:
    """Tokens are pure functions of the keys and the card: an HMAC and Base32 (~20 µs)
    computed once per card, not once per link on every branch page."""
    return make_token(list(keys), kind, record_id, generation)


def _link(kind: Kind, record_id: int, generation: int) -> str:
    """The relative link to another record's page (works behind any host)."""
    return url_for(f"qr.{kind}", token=_canonical(kind, record_id, generation))


def _page_key(kind: Kind, card: CardRef) -> str:
    """Cache key of a rendered page: it changes with the card, the data, the reader and the
    settings that shape pages (hidden sections, audit rules)."""
    return (f"page:{kind}:{card.record_id}:{card.generation}:{card.revision}."
            f"{card.scope_revision}:"
            f"{get_locale()}:{today().isoformat()}:"
            f"{page_settings_fingerprint(current_app.config)}")


def _cached(kind: Kind, card: CardRef, render: Callable[[], str]) -> Response:
    """The page from the cache, or rendered and stored; 404 if the record vanished."""
    key = _page_key(kind, card)
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body)
    return _private(body)


def member(token: str) -> Response:
    """The read-only member page (or, for a secretary scanning at 签到, the check-in)."""
    _token("member", token)  # a forged token is the same 404 for everyone
    for hook in current_app.extensions.get(SCAN_HOOKS, ()):
        scanning: Response | None = hook(token)
        if scanning is not None:
            return scanning
    card = _card("member", token)

    def render() -> str:
        page = member_page(card.record_id, today())
        if page is None or page.header.status in ENDED:
            abort(404)  # a former member (历史党员) has no page: the record is console-only
        h = page.header
        # The canonical token, so the cached page is the same whichever valid token opened it.
        canonical = _canonical("member", h.id, card.generation)
        return render_template(
            "profiles/member.html", page=page,
            hidden=set(current_app.config.get("HIDDEN_SECTIONS") or ()),
            branch_url=_link("branch", h.branch_id, h.branch_generation),
            qr_url=url_for("qr.member_svg", token=canonical),
            photo_url=url_for("qr.member_photo", token=canonical) if h.has_photo else None,
            introducers=(recruit_reads.introducer_names(h.id)
                         if current_app.config.get("SHOW_INTRODUCERS") else []),
        )

    return _cached("member", card, render)


def branch(token: str) -> Response:
    """The read-only branch page with its self-audit checklist."""
    card = _card("branch", token)

    def render() -> str:
        settings = settings_from_config(current_app.config)
        day = today()
        page = branch_page(card.record_id, day, settings.lookback_months)
        if page is None:
            abort(404)
        links = {m.id: _link("member", m.id, m.generation) for m in page.members}
        return render_template(
            "profiles/branch.html", page=page, links=links,
            hidden=set(current_app.config.get("HIDDEN_SECTIONS") or ()),
            findings=run_audit(page.audit, settings, day),
            cadences=branch_cadence_table(page.audit, settings, day),
            qr_url=url_for("qr.branch_svg",
                           token=_canonical("branch", card.record_id, card.generation)),
        )

    return _cached("branch", card, render)


def member_photo_view(token: str) -> Response:
    """The member's photo, for the current card only."""
    card = _card("member", token)
    photo = member_photo(card.record_id)
    if photo is None:
        abort(404)
    response = Response(photo[1], mimetype=photo[0])
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _image(kind: Kind, token: str, fmt: str) -> Response:
    """The code of a validly signed token; no database needed, so it caches forever."""
    _token(kind, token)
    # A valid token has one spelling (read_token refuses others), so its uppercase is the
    # text printed on the card, whichever key signed it.
    url = f"{normalise_base_url(current_app.config['BASE_URL'])}/{SHORT_KIND[kind]}/{token.upper()}"
    if fmt == "svg":
        response = Response(qr_svg(url), mimetype="image/svg+xml")
    else:
        response = Response(qr_png(url), mimetype="image/png")
    response.set_etag(hashlib.sha256(f"{fmt}:{url}".encode()).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = IMMUTABLE
    response.cache_control.immutable = True
    response.make_conditional(request)  # answers If-None-Match with 304, in place
    return response


def member_svg(token: str) -> Response:
    """A member's code as SVG."""
    return _image("member", token, "svg")


def member_png(token: str) -> Response:
    """A member's code as PNG."""
    return _image("member", token, "png")


def branch_svg(token: str) -> Response:
    """A branch's code as SVG."""
    return _image("branch", token, "svg")


def branch_png(token: str) -> Response:
    """A branch's code as PNG."""
    return _image("branch", token, "png")


_add("/M/<token>", "member", member)
_add("/B/<token>", "branch", branch)
_add("/M/<token>.svg", "member_svg", member_svg)
_add("/M/<token>.png", "member_png", member_png)
_add("/B/<token>.svg", "branch_svg", branch_svg)
_add("/B/<token>.png", "branch_png", branch_png)
_add("/M/<token>/photo", "member_photo", member_photo_view)
