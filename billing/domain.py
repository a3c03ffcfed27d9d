"""Billing rules. No I/O. (Filled in by the issue that builds this context.)"""
