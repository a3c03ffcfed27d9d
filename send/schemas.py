"""Request and response bodies of the send API."""
