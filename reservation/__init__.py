"""Reservation: customers register reserved sends; the reservation's state machine."""
