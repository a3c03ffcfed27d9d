"""What events make the monitoring service do (see `consumers`): `projection` keeps the
reservations' views and tells the live streams; `status_changes` queues what a status
change owes the customer (webhook deliveries, the status alert); `notifications` keeps
the customers' verified sender numbers and each alert's delivery."""
