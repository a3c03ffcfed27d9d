"""Sending: the due-time scheduler, ordered delivery through a carrier, delivery reports."""
