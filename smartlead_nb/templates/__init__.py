"""Pure template tools: find ``{{tags}}`` and spintax, check them against the leads, render a
step for one lead, and lay out the send timeline. No HTTP.

>>> from smartlead_nb.templates import find_tags, render
>>> find_tags("Hi {{first_name}} at {{ company_name }}")
['first_name', 'company_name']
>>> render({"subject": "Hi {{first_name}}", "email_body": "<p>{Hi|Hello}</p>"},
...        {"first_name": "Ana"})
{'subject': 'Hi Ana', 'body': '<p>Hi</p>'}

Modules: :mod:`.syntax` (tags, spintax, ``%placeholders%``), :mod:`.inputs` (steps and leads
made uniform), :mod:`.check`, :mod:`.render`, :mod:`.timeline`.
"""

from .check import PROBLEM_COLUMNS, PROBLEMS, check_templates
from .inputs import lead_value, steps_from_frame_like
from .render import render, render_sequence
from .syntax import (
    KNOWN_PLACEHOLDERS, STANDARD_TAGS, find_malformed, find_placeholders, find_spintax, find_tags,
    resolve_spintax,
)
from .timeline import MAX_TOTAL_DAYS, TIMELINE_COLUMNS, send_timeline

__all__ = [
    "find_tags", "check_templates", "render", "render_sequence", "send_timeline",
    "steps_from_frame_like", "STANDARD_TAGS", "KNOWN_PLACEHOLDERS", "find_spintax",
    "find_placeholders", "find_malformed", "resolve_spintax", "lead_value", "PROBLEMS",
    "PROBLEM_COLUMNS", "TIMELINE_COLUMNS", "MAX_TOTAL_DAYS",
]
