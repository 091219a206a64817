"""The activation code mechanism as other flows use it (accounts/codes.py)."""

from __future__ import annotations

import uuid

from accounts.codes import code_hash, code_matches, code_max_attempts, code_new, code_ttl_seconds
from accounts.services import _code_hash


def test_codes_are_six_digits_and_hashed_like_activation() -> None:
    codes = {code_new() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 1
    pending_id = uuid.uuid4()
    assert code_hash(pending_id=pending_id, code="123456") == _code_hash(
        activation_id=pending_id, code="123456"
    )
    stored = code_hash(pending_id=pending_id, code="123456")
    assert code_matches(pending_id=pending_id, code=" 123456 ", stored_hash=stored)
    assert not code_matches(pending_id=pending_id, code="123457", stored_hash=stored)
    assert not code_matches(pending_id=uuid.uuid4(), code="123456", stored_hash=stored)
    assert (code_ttl_seconds(), code_max_attempts()) == (600, 5)
