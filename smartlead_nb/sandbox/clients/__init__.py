"""Agency clients and their API keys: ``/client``, ``/client/save``, ``/client/api-key...``.

Tables: ``clients``, ``client_api_keys`` (written by ``models`` only).
"""
