"""SNAP response codes: HTTP status (3 digits) + service code (2) + case code (2), with the standard's
English message. Case codes follow BI's general table; docs/partners.md lists which we use when."""

from __future__ import annotations

from dataclasses import dataclass

# Service codes: the standard's, plus our balance extension (outside the standard's list).
TOKEN_B2B = "73"  # noqa: S105 - a service code, not a secret
VA_INQUIRY = "24"
VA_PAYMENT = "25"
JHT_BALANCE = "91"


@dataclass(frozen=True)
class Case:
    http_status: int
    case: str
    message: str

    def code(self, service: str) -> str:
        return f"{self.http_status}{service}{self.case}"


SUCCESS = Case(200, "00", "Successful")
BAD_REQUEST = Case(400, "00", "Bad Request")
INVALID_FIELD_FORMAT = Case(400, "01", "Invalid Field Format")
INVALID_MANDATORY_FIELD = Case(400, "02", "Invalid Mandatory Field")
UNAUTHORIZED = Case(401, "00", "Unauthorized")
INVALID_TOKEN = Case(401, "01", "Invalid Token (B2B)")
FEATURE_NOT_ALLOWED = Case(403, "01", "Feature Not Allowed")
INACTIVE_ACCOUNT = Case(403, "18", "Inactive Card/Account/Customer")
INVALID_ACCOUNT = Case(404, "11", "Invalid Card/Account/Customer/Virtual Account")
BILL_NOT_FOUND = Case(404, "12", "Invalid Bill/Virtual Account [Not Found]")
INVALID_AMOUNT = Case(404, "13", "Invalid Amount")
PAID_BILL = Case(404, "14", "Paid Bill")
INCONSISTENT_REQUEST = Case(404, "18", "Inconsistent Request")
NOT_PAYABLE = Case(404, "19", "Invalid Bill/Virtual Account")
CONFLICT = Case(409, "00", "Conflict")
TOO_MANY_REQUESTS = Case(429, "00", "Too Many Requests")
GENERAL_ERROR = Case(500, "00", "General Error")


def body(case: Case, service: str, detail: str = "", **extra: object) -> dict[str, object]:
    """A SNAP answer: `responseCode`, `responseMessage` (the standard's text, `detail` in brackets)."""
    message = f"{case.message} [{detail}]" if detail else case.message
    return {"responseCode": case.code(service), "responseMessage": message[:150], **extra}
