"""Campaign webhooks: list, save, delete, delivery summary and retrigger
(``/campaigns/{id}/webhooks...``), the events a clock advance produces and their payloads
(``events``), and the sender that POSTs them to this machine only (``delivery``).

Tables: ``webhooks``, ``webhook_deliveries`` (written by ``models`` only).
"""
