"""Participant-facing JHT pages: dashboard, contribution history, RSJHT statements and the digital card."""
