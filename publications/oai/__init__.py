"""OAI-PMH 2.0 data provider at /oai.

views.py reads the request and writes the envelope; arguments.py checks the
arguments each verb allows (datestamps.py reads from/until); verbs.py answers
the six verbs; records.py holds the one query harvesters page through;
sets.py the set hierarchy; tokens.py the signed resumption tokens; errors.py
the spec's error conditions; markup.py writes the XML as text through one
escaping function; formats/ one module per metadata format behind a
registry.
"""
