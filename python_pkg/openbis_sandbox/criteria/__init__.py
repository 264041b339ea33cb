"""V3 search criteria: ``parse`` them as openBIS's Jackson reads them, ``match`` them against
``Graph`` records.

``access`` reads a record's fields and relations as criteria see them; ``values``
compares one stored value with one criteria value.
"""
