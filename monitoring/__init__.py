"""Monitoring: the CQRS read model projected from every context's events."""
