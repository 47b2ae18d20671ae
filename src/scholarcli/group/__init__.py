"""``scholar group``: several people as one unit (members, the union, the network)."""
