"""The master inbox (``/master-inbox/...``): list views, one thread, untracked replies, replying
to a thread and pushing a lead into a subsequence.

Tables: ``thread_replies``, ``subsequence_pushes`` (written by ``models`` only).
"""
