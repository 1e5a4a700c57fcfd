"""``/_sandbox/...``: drive a sandbox from another process (advance the clock, read its state,
set faults, reset, block addresses, set a campaign's known truth).

These routes need the API key but are exempt from rate limits and faults, are not logged in
``Sandbox.requests``, and are not part of SmartLead's API. Tables: none of their own (the
truth is the campaigns model's).
"""
