"""The intake screen: receive a dossier at the counter."""
