"""The contract between services: every event type and topic of the system."""
