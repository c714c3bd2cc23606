"""HMAC-SHA256 signatures of webhook bodies (pure; no Django).

The sender computes `sha256=<hex of HMAC-SHA256(secret, raw body)>` and sends it in
the `X-Flowdesk-Signature` header. The receiver recomputes it over the exact bytes it
received and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Flowdesk-Signature"
PREFIX = "sha256="
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh random secret (URL-safe text, 256 bits)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def sign(secret: str, body: bytes) -> str:
    """The header value for `body` signed with `secret`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"{PREFIX}{digest}"


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """True when `header` is the signature of `body` under `secret`.

    Constant time in the header's content: the comparison is `hmac.compare_digest` on
    bytes of the expected length. A missing header or an empty secret is never valid.
    """
    if not secret or not header:
        return False
    expected = sign(secret, body).encode("ascii")
    given = header.strip().encode("utf-8", errors="replace")
    return hmac.compare_digest(expected, given)
