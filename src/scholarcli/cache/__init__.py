"""The local SQLite cache. Only this package imports ``sqlite3``."""
