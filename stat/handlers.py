"""Stat commands, event handlers and queries."""
