"""The stat service's HTTP API: one router module per resource."""
