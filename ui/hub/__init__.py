"""The hub's screens: roles and pairing, the hub's status, the hub-following display."""
