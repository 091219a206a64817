"""Paying approved claims: the disbursement gateway boundary and the payout service."""
