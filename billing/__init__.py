"""Billing: prepaid credit held, captured or released per message (the saga)."""
