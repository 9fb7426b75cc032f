"""Property tests: no mangled token ever verifies, and no token opens another record."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qr.tokens import BadToken, make_token, read_token

KEYS = ["p" * 48]
ALPHABET = string.ascii_uppercase + "234567"
ids = st.integers(min_value=0, max_value=10**7)
generations = st.integers(min_value=1, max_value=500)


def verdict(token: str, kind: str = "member") -> tuple[int, int] | None:
    """(id, generation) if the token verifies, None if it is refused."""
    try:
        data = read_token(KEYS, kind, token)  # type: ignore[arg-type]
    except BadToken:
        return None
    return data.record_id, data.generation


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_random_text_is_refused(text: str) -> None:
    assert verdict(text) is None


@settings(max_examples=300)
@given(st.text(alphabet=ALPHABET, min_size=20, max_size=40))
def test_random_base32_is_refused(text: str) -> None:
    assert verdict(text) is None


@settings(max_examples=60, deadline=None)
@given(ids, generations)
def test_every_single_character_change_is_refused(record_id: int, generation: int) -> None:
    token = make_token(KEYS, "member", record_id, generation)
    assert verdict(token) == (record_id, generation)
    for i, original in enumerate(token):
        for replacement in ALPHABET + "018":
            if replacement != original:
                assert verdict(token[:i] + replacement + token[i + 1:]) is None


@settings(max_examples=100)
@given(ids, generations, st.data())
def test_truncation_extension_and_kind_swap_are_refused(record_id: int, generation: int,
                                                        data: st.DataObject) -> None:
    token = make_token(KEYS, "member", record_id, generation)
    cut = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    assert verdict(token[:cut]) is None
    assert verdict(token[cut:] if cut else token[1:]) is None
    extra = data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=8))
    assert verdict(token + extra) is None
    assert verdict(token, kind="branch") is None


@settings(max_examples=100)
@given(ids, generations, ids, generations)
def test_tokens_of_different_cards_differ(a: int, ga: int, b: int, gb: int) -> None:
    assume((a, ga) != (b, gb))
    assert make_token(KEYS, "member", a, ga) != make_token(KEYS, "member", b, gb)
