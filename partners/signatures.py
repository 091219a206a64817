"""SNAP signatures (Bank Indonesia's Standar Nasional Open API Pembayaran), pure functions.

- Access token (asymmetric): `SHA256withRSA(privateKey, clientId + "|" + X-TIMESTAMP)`, base64, PKCS#1
  v1.5 padding; we verify with the partner's registered public key.
- Transactions (symmetric): `HMAC-SHA512(clientSecret, stringToSign)`, base64, where
  `stringToSign = METHOD:path:accessToken:lowercase(hex(SHA-256(minify(body)))):X-TIMESTAMP`.
  `path` is the request path as sent (ours start with `/snap/v1.0/`), without host or query string.

Every comparison is constant time. docs/partners.md has the recipes and where implementers differ.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# yyyy-MM-ddTHH:mm:ss with a zone: +07:00 as the standard shows, or Z (DOKU's token endpoint uses UTC).
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$")


class InvalidPublicKey(ValueError):
    """Not a PEM RSA public key of at least 2048 bits."""


def parse_timestamp(value: str) -> dt.datetime | None:
    """An aware datetime for a SNAP `X-TIMESTAMP`, or None when it is not in the standard's format."""
    if not _TIMESTAMP.match(value or ""):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_timestamp(moment: dt.datetime) -> str:
    """`2026-03-10T10:00:00+07:00`: the standard's format, in WIB."""
    wib = dt.timezone(dt.timedelta(hours=7))
    return moment.astimezone(wib).replace(microsecond=0).isoformat()


def minify(payload: Any) -> str:
    """The body as the standard hashes it: JSON without insignificant whitespace, keys in the order
    received (Python dicts keep it), non-ASCII characters as themselves."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def body_digest(minified: str) -> str:
    return hashlib.sha256(minified.encode()).hexdigest()


def token_string_to_sign(client_id: str, timestamp: str) -> bytes:
    return f"{client_id}|{timestamp}".encode()


def transaction_string_to_sign(
    *, method: str, path: str, token: str, minified_body: str, timestamp: str
) -> str:
    return f"{method.upper()}:{path}:{token}:{body_digest(minified_body)}:{timestamp}"


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError) as exc:
        raise InvalidPublicKey(str(exc)) from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise InvalidPublicKey("an RSA public key of at least 2048 bits is required")
    return key


def _b64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def verify_token_signature(*, public_key_pem: str, client_id: str, timestamp: str, signature: str) -> bool:
    raw = _b64(signature)
    if raw is None:
        return False
    try:
        load_public_key(public_key_pem).verify(
            raw, token_string_to_sign(client_id, timestamp), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, InvalidPublicKey):
        return False
    return True


def sign_token_request(*, private_key_pem: str, client_id: str, timestamp: str) -> str:
    """What a partner sends as X-SIGNATURE to `/access-token/b2b` (the sandbox, the demo command, tests)."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    raw = key.sign(token_string_to_sign(client_id, timestamp), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def sign_transaction(
    *, secret: str, method: str, path: str, token: str, minified_body: str, timestamp: str
) -> str:
    message = transaction_string_to_sign(
        method=method, path=path, token=token, minified_body=minified_body, timestamp=timestamp
    )
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha512).digest()).decode()


def verify_transaction_signature(
    *, secret: str, method: str, path: str, token: str, minified_body: str, timestamp: str, signature: str
) -> bool:
    expected = sign_transaction(
        secret=secret, method=method, path=path, token=token, minified_body=minified_body, timestamp=timestamp
    )
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def nik_hash(*, secret: str, nik: str) -> str:
    """The keyed NIK hash the balance extension expects: lowercase hex HMAC-SHA256(clientSecret, NIK)."""
    return hmac.new(secret.encode(), nik.encode(), hashlib.sha256).hexdigest()
