"""The local stack: PostgreSQL, the broker and every service, for `make run` and the tests."""
