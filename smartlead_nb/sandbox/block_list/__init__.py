"""The global and client block list (``/leads/*-domain-block-list``) and the community bounce
list that lead imports and the sending simulation check.

Tables: ``block_list``, ``suppressions`` (written by ``models`` only; the store's triggers keep
the ``block`` suppressions equal to ``block_list``).
"""
