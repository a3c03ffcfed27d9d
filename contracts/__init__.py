"""The contract between services: every service (the registry), event type and topic."""
