"""Signed tokens: round trip, rotation, compactness and every way to be wrong."""

from __future__ import annotations

import base64

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from qr.links import card_url, normalise_base_url
from qr.tokens import SIGNATURE_BYTES, BadToken, make_token, read_token

OLD, NEW = "o" * 48, "n" * 48


def test_round_trip_and_case_insensitive() -> None:
    token = make_token([NEW], "member", 123456, 9)
    assert token == token.upper() and token.isalnum()
    for form in (token, token.lower()):
        data = read_token([NEW], "member", form)
        assert (data.kind, data.record_id, data.generation) == ("member", 123456, 9)


def test_token_carries_nothing_personal() -> None:
    token = make_token([NEW], "member", 7, 1)
    raw = base64.b32decode(token + "=" * (-len(token) % 8))
    assert len(raw) == 1 + 1 + 1 + SIGNATURE_BYTES  # kind byte, id 7, generation 1, signature


def test_rotation_old_cards_still_verify_new_key_signs() -> None:
    old_token = make_token([OLD], "member", 42, 1)
    rotated = [OLD, NEW]
    assert read_token(rotated, "member", old_token).record_id == 42
    new_token = make_token(rotated, "member", 42, 1)
    assert new_token != old_token
    assert read_token([NEW], "member", new_token).record_id == 42
    with pytest.raises(BadToken):
        read_token([OLD], "member", new_token)


@pytest.mark.parametrize("bad", ["", "A", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "é" * 28,
                                 "A" * 200, "0O1L" * 7])
def test_garbage_is_refused(bad: str) -> None:
    with pytest.raises(BadToken):
        read_token([NEW], "member", bad)


def test_wrong_key_kind_truncation_and_extension_are_refused() -> None:
    token = make_token([NEW], "member", 99, 2)
    for bad in (token[:-1], token[1:], token + "A", token[:-2] + token[-1] + token[-2]):
        with pytest.raises(BadToken):
            read_token([NEW], "member", bad)
    with pytest.raises(BadToken):
        read_token([OLD], "member", token)
    with pytest.raises(BadToken):
        read_token([NEW], "branch", token)


def test_non_canonical_spelling_is_refused() -> None:
    token = make_token([NEW], "member", 300, 1)  # 16 bytes: 26 characters, 2 spare bits
    raw = base64.b32decode(token + "=" * (-len(token) % 8))
    assert len(raw) * 8 % 5
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    # Flip spare low bits of the last character: same bytes, different text.
    twin = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    assert base64.b32decode(twin + "=" * (-len(twin) % 8)) == raw
    with pytest.raises(BadToken):
        read_token([NEW], "member", twin)


def test_url_of_a_six_digit_member_fits_qr_version_3_m() -> None:
    base = "https://card.example.org"
    assert len(base) == 24  # the longest base URL the brief promises version 3 for
    url = card_url(base, [NEW], "member", 999_999, 9)
    assert url == url.upper(), "uppercase keeps the QR in alphanumeric mode"
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    assert code.version <= 3


def test_base_url_keeps_its_path_case_and_refuses_nonsense() -> None:
    assert normalise_base_url("https://Example.org/pc/") == "HTTPS://EXAMPLE.ORG/pc"
    with pytest.raises(ValueError):
        normalise_base_url("example.org")
