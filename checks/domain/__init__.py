"""The standard's domain facts, one function each, shared by the checks, the walkthrough
(``--explain FILE``), the scaffold (``init``) and the sharing picture (``report``).

- :mod:`.parties`: who is UNHCR.
- :mod:`.roles`: which roles a protocol needs, and the skeleton of one.
- :mod:`.clauses`: which text a clause must have (following the pack's lineage), compared how.
- :mod:`.obligations`: which clauses of a protocol can meet an Annex C obligation.
- :mod:`.placeholders`: how a message quotes a placeholder so that it can be found in the file.
- :mod:`.sharing`: which fields and categories an export carries, which sharing rules cover it.
- :mod:`.periods`: periods (days) measured against a threshold of the pack.
- :mod:`.status`: which severity a lifecycle-sensitive finding takes.
"""
