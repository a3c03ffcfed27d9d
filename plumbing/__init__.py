"""Infrastructure every service shares: settings, database, events, outbox, consumers.

No business rule lives here; see `msgplat.contracts` for the event catalogue.
"""
