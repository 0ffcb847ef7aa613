"""Batch import: uploaded files, OAI-PMH harvests and DOI / PubMed ID lookups
are checked row by row (a dry run the curator reviews) and then written
through the catalogue's services."""
