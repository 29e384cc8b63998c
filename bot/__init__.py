"""hocvuso: the application layer (core conversation logic, channels, web server, CLI)."""

__version__ = "0.1.0"
