"""Endpoint groups of the SmartLead API, one mixin each, composed into ``SmartleadClient``."""
