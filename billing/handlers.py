"""Billing commands, event handlers and queries."""
