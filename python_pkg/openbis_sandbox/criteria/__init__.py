"""V3 search criteria: ``parse`` them strictly, ``match`` them against ``Graph`` records.

``access`` reads a record's fields and relations as criteria see them; ``values``
compares one stored value with one criteria value.
"""
