"""Send commands, event handlers and queries."""
