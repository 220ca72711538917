"""Forms 02–07 and the fee receipt: frozen dataclasses in (`printing.forms.model`), PDF/XLSX out.

`printing.forms.registry.form_for(kind, received_on)` picks the template (number, title,
wording, copies) in force for a dossier; `printing.forms.render` has one entry point per form.
This package's top level stays light: importing the model does not load reportlab.
"""
