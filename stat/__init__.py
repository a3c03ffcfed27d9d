"""Statistics: per customer, per day and per reservation counts."""
