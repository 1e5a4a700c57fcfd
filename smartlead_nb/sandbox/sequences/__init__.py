"""A campaign's sequence: save (replace the list of steps and their A/B variants) and read it.

Tables: ``sequences``, ``variants`` (written by ``models`` only).
"""
