"""Campaigns: create, list, get, delete, status, schedule, settings and subsequences.

Tables: ``campaigns``, ``campaign_truth`` (written by ``models`` only).
"""
