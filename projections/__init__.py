"""Read models rebuilt from the events."""
