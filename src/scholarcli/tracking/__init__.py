"""Tracking people over time: the watch list (``watchlist``) and cheap cron refreshes
that keep a dated history (``refresh``)."""
