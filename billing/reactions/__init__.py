"""What events make the billing service do, one function per event (see `consumers`):
`holds` holds, refuses and releases a reservation's credit; `settlement` settles each
message's result against its hold; `notices` charges a delivered status alert."""
