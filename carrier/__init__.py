"""The carrier simulator: the outside world an SMS/LMS carrier would be, simulated honestly.

Batch submit over HTTP, per-recipient accept or reject, delivery reports pushed later to
a callback URL, and knobs (failures, latency, outages, throttling, duplicate and
out-of-order reports) that tests and demos change per run. See `README.md`.
"""
