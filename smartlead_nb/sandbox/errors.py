"""What can go wrong in the sandbox's models and handlers, without a word of HTTP.

Models and handlers raise these; ``routing.error_answer`` alone turns each kind into a status
code and SmartLead's error body, so a model reads as the rules of its tables and a status code
is chosen in one place. The message is the text SmartLead answers with.

>>> from smartlead_nb.sandbox.routing import error_answer
>>> error_answer(NotFound("Campaign not found - Invalid campaign_id."))
(404, {'error': 'Campaign not found - Invalid campaign_id.'})
>>> error_answer(InvalidQuery('"limit" must be less than or equal to 100'))
(422, {'error': 'Invalid parameters provided', 'details': '"limit" must be less than or equal to 100'})
"""
from __future__ import annotations


class SandboxError(Exception):
    """Base of the sandbox's domain errors; ``message`` is what the client is told."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(SandboxError):
    """A request body or value the API refuses (a Joi-style message naming the field)."""


class InvalidQuery(Invalid):
    """A query parameter of a list endpoint that is out of range or malformed."""


class NotFound(SandboxError):
    """The campaign, lead, account, ... a request names does not exist."""


class Conflict(SandboxError):
    """The request clashes with what is stored (a duplicate, a state that forbids it)."""


class LimitExceeded(SandboxError):
    """More than a documented limit allows in one request."""
