"""Clients for the public sources. Only this package imports ``requests``."""
