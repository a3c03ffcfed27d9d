"""The gateway's own HTTP API (one router module per resource) and the catch-all that
forwards the public API to the services (`forward`)."""
