"""Loaders of reference data from files: the discipline taxonomy and MeSH.

Each loader reads and checks the whole file first, then writes in one
transaction, so a bad row leaves the database as it was.
"""
