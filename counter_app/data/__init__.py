"""Packaged data files (the default procedure catalogue), read with importlib.resources."""
