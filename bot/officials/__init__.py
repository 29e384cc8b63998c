"""Officials outside the core: what the service checks for their chat commands."""
