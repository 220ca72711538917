"""The ward hub: one PC of the ward owns the queue and relays the ward's events on the LAN.

``counter-app hub serve`` runs :mod:`counter_app.hub.server`; every other PC of the ward is a
client (:mod:`counter_app.hub.client`). See docs/hub.md.
"""
