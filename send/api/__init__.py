"""Send's HTTP API: one router module per public resource (`msgs`, `optouts`,
`sending_windows`) and the carriers' report callback (`carrier_reports`); `deps` holds
the typed dependencies."""
