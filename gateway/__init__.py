"""The gateway: the single entry point (port 8088), routing to each service."""
