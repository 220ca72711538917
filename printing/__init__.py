"""Printed forms, slips and tickets: plain frozen dataclasses in, PDF bytes or images out.

No Qt. Import the renderers from their modules (``printing.receipt``, ``printing.slip``): this
package's top level stays light so that reading ``printing.model`` does not load reportlab.
"""
