"""`IdentityVerifier`: the automated face match behind assisted verification.

Real deployments plug in the population registry's face match (Dukcapil's biometric verification takes
a NIK and a face image and answers a similarity score); development and tests use `FakeIdentityVerifier`.
The verifier is called only when the person consented to it (`ConsentPurpose.FACE_MATCH`) and only for a
request whose NIK, KPJ and date of birth matched; its score is shown to staff and never decides alone.
Chosen by `VERIFICATION_IDENTITY_VERIFIER` (a dotted path).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class FaceMatch:
    score: Decimal  # 0.000 (no likeness) to 1.000 (same person), three decimals
    verifier: str  # which implementation answered, for the staff page and the audit


class VerifierUnavailable(Exception):
    """The registry did not answer; the task retries later (a missing score never blocks staff)."""


class IdentityVerifier(Protocol):
    name: str

    def match_face(self, *, nik: str, ktp_image: bytes, selfie_image: bytes) -> FaceMatch:
        """How likely the face in `selfie_image` is the registered owner of `nik` (the KTP photo is
        sent too, for registries that compare against the card). Raises VerifierUnavailable."""
        ...


class FakeIdentityVerifier:
    """A faithful stand-in: same inputs, a score that depends only on the files (the same files always
    give the same score, different files almost always a different one). `VERIFICATION_FAKE_SCORE`
    (a decimal string) fixes the score, e.g. for a demo or a test of a low score."""

    name = "fake"

    def match_face(self, *, nik: str, ktp_image: bytes, selfie_image: bytes) -> FaceMatch:
        fixed = getattr(settings, "VERIFICATION_FAKE_SCORE", "")
        if fixed:
            return FaceMatch(score=Decimal(fixed).quantize(Decimal("0.001")), verifier=self.name)
        digest = hashlib.sha256(hashlib.sha256(ktp_image).digest() + hashlib.sha256(selfie_image).digest())
        thousandths = int.from_bytes(digest.digest()[:4], "big") % 1001
        return FaceMatch(score=Decimal(thousandths) / 1000, verifier=self.name)


def get_verifier() -> IdentityVerifier:
    verifier: IdentityVerifier = import_string(settings.VERIFICATION_IDENTITY_VERIFIER)()
    return verifier
