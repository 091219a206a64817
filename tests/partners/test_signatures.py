"""Our signatures against vectors computed independently with the openssl CLI, both ways."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

from partners import demo
from partners.signatures import (
    body_digest,
    minify,
    sign_token_request,
    sign_transaction,
    transaction_string_to_sign,
    verify_token_signature,
    verify_transaction_signature,
)

TIMESTAMP = "2026-03-10T10:00:00+07:00"
BODY = {
    "partnerServiceId": "   88899",
    "customerNo": "23010000044",
    "virtualAccountNo": "   8889923010000044",
}


def _openssl(*args: str, data: bytes) -> bytes:
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def test_token_signature_made_by_openssl_verifies() -> None:
    message = f"{demo.CLIENT_ID}|{TIMESTAMP}".encode()
    raw = _openssl("dgst", "-sha256", "-sign", str(demo.KEYS / "demo_partner_private.pem"), data=message)
    signature = base64.b64encode(raw).decode()
    assert verify_token_signature(
        public_key_pem=demo.public_key_pem(),
        client_id=demo.CLIENT_ID,
        timestamp=TIMESTAMP,
        signature=signature,
    )
    # The same signature over another timestamp or client id does not.
    assert not verify_token_signature(
        public_key_pem=demo.public_key_pem(),
        client_id=demo.CLIENT_ID,
        timestamp="2026-03-10T10:00:01+07:00",
        signature=signature,
    )
    assert not verify_token_signature(
        public_key_pem=demo.public_key_pem(), client_id="other-bank", timestamp=TIMESTAMP, signature=signature
    )


def test_our_token_signature_verifies_with_openssl(tmp_path: Path) -> None:
    signature = sign_token_request(
        private_key_pem=demo.private_key_pem(), client_id=demo.CLIENT_ID, timestamp=TIMESTAMP
    )
    sig_file = tmp_path / "sig.bin"
    sig_file.write_bytes(base64.b64decode(signature))
    out = _openssl(
        "dgst",
        "-sha256",
        "-verify",
        str(demo.KEYS / "demo_partner_public.pem"),
        "-signature",
        str(sig_file),
        data=f"{demo.CLIENT_ID}|{TIMESTAMP}".encode(),
    )
    assert out.strip() == b"Verified OK"


def test_body_digest_is_openssl_sha256_of_the_minified_body() -> None:
    minified = minify(BODY)
    assert minified == (
        '{"partnerServiceId":"   88899","customerNo":"23010000044","virtualAccountNo":"   8889923010000044"}'
    )
    expected = _openssl("dgst", "-sha256", "-r", data=minified.encode()).split()[0].decode()
    assert body_digest(minified) == expected


def test_transaction_signature_is_openssl_hmac_sha512() -> None:
    minified = minify(BODY)
    token, secret, path = "tok-123", "client-secret-xyz", "/snap/v1.0/transfer-va/inquiry"
    string_to_sign = transaction_string_to_sign(
        method="post", path=path, token=token, minified_body=minified, timestamp=TIMESTAMP
    )
    digest = _openssl("dgst", "-sha256", "-r", data=minified.encode()).split()[0].decode()
    assert string_to_sign == f"POST:{path}:{token}:{digest}:{TIMESTAMP}"
    raw = _openssl("dgst", "-sha512", "-hmac", secret, "-binary", data=string_to_sign.encode())
    expected = base64.b64encode(raw).decode()
    ours = sign_transaction(
        secret=secret, method="POST", path=path, token=token, minified_body=minified, timestamp=TIMESTAMP
    )
    assert ours == expected
    assert verify_transaction_signature(
        secret=secret,
        method="POST",
        path=path,
        token=token,
        minified_body=minified,
        timestamp=TIMESTAMP,
        signature=expected,
    )
    assert not verify_transaction_signature(
        secret="another-secret",
        method="POST",
        path=path,
        token=token,
        minified_body=minified,
        timestamp=TIMESTAMP,
        signature=expected,
    )
