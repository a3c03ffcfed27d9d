"""What the reservation service's commands do, one module per resource; each command is
one unit of work (its rows and its outbox events committed together)."""
