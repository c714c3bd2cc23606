"""Webhook signatures: HMAC-SHA256 of the exact body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from workflows.waits.signing import new_secret, sign, signature_valid

BODY = b'{"order": {"id": 42}}'


def test_the_signature_is_the_hex_hmac_sha256_of_the_body_with_a_prefix() -> None:
    expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY) == f"sha256={expected}"


def test_a_matching_signature_is_valid_even_with_surrounding_whitespace() -> None:
    assert signature_valid("s3cret", BODY, f"  {sign('s3cret', BODY)} ")


def test_a_changed_body_another_secret_or_a_bare_digest_is_not_valid() -> None:
    good = sign("s3cret", BODY)
    assert not signature_valid("s3cret", BODY + b" ", good)
    assert not signature_valid("other", BODY, good)
    assert not signature_valid("s3cret", BODY, good.removeprefix("sha256="))


def test_a_missing_header_or_an_empty_secret_is_never_valid() -> None:
    assert not signature_valid("s3cret", BODY, None)
    assert not signature_valid("s3cret", BODY, "")
    assert not signature_valid("", BODY, sign("", BODY))


def test_non_ascii_garbage_in_the_header_is_refused_not_raised() -> None:
    assert not signature_valid("s3cret", BODY, "sha256=ü" + "0" * 63)


def test_new_secrets_are_long_and_different() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert len(first) >= 40
