"""Request and response bodies of the stat API."""
