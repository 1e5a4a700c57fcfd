"""The form's own words for advice the code gives in Python.

The plan and the uploader say how to change an outcome in the words a coder types
(``ignore_duplicate_leads_in_other_campaign=True``, ``confirm_overrides=True``). Someone using
the form has no such argument: they have a box to tick. :func:`in_form_words` rewrites every
such phrase into the name of the form's own control, whose label is defined here, once, for
the builder that draws the control and for every message that names it.

>>> in_form_words("already in another campaign (ignore_duplicate_leads_in_other_campaign=True "
...               "lets them in)")
'already in another campaign (ticking “Add leads that are already in another campaign” (tab 4 Leads) lets them in)'
"""

from __future__ import annotations

import re

#: The tab that holds the upload options.
LEADS_TAB = "4 Leads"
#: The labels of the upload options' boxes (``CampaignPlan``'s ``ignore_*`` flags).
OTHER_CAMPAIGNS = "Add leads that are already in another campaign"
IGNORE_BLOCK = "Let in leads on the global block list"
IGNORE_UNSUB = "Let in leads who unsubscribed"
CONFIRM_OVERRIDES = "I confirm: email people who are blocked or unsubscribed"
#: The control that adds leads to a campaign that has already started.
ADD_TO_RUNNING = "Add leads to the running campaign"
#: The buttons of the launch panel.
CHECK = "Check plan"
CREATE = "Create campaign (stays DRAFTED)"
START = "Start sending"

_ON_TAB = f"(tab {LEADS_TAB})"
# (pattern, words), tried in order: the longer phrases first.
_REWRITES = [
    (r"call (?:[\w.]+(?:\(\))? )?again with confirm_overrides=True",
     f"tick the box “{CONFIRM_OVERRIDES}” {_ON_TAB} and click again"),
    (r"\bconfirm_overrides=True", f"the box “{CONFIRM_OVERRIDES}” {_ON_TAB}"),
    (r"\bignore_duplicate_leads_in_other_campaign=True", f"ticking “{OTHER_CAMPAIGNS}” {_ON_TAB}"),
    (r"\bignore_global_block_list=True",
     f"ticking “{IGNORE_BLOCK}” and “{CONFIRM_OVERRIDES}” {_ON_TAB}"),
    (r"\bignore_unsubscribe_list=True",
     f"ticking “{IGNORE_UNSUB}” and “{CONFIRM_OVERRIDES}” {_ON_TAB}"),
    (r"\bignore_duplicate_leads_in_other_campaign\b", f"“{OTHER_CAMPAIGNS}”"),
    (r"\bignore_global_block_list\b", f"“{IGNORE_BLOCK}”"),
    (r"\bignore_unsubscribe_list\b", f"“{IGNORE_UNSUB}”"),
    (r"call plan\.add_leads\(client, confirm=True\)", f"use “{ADD_TO_RUNNING}” below"),
    (r"\(plan\.check\(\) lists them\)", f"(“{CHECK}” lists them)"),
]
_COMPILED = [(re.compile(pattern), words) for pattern, words in _REWRITES]


def in_form_words(text: str) -> str:
    """``text`` with every Python-argument advice replaced by the form control that does it."""
    for pattern, words in _COMPILED:
        text = pattern.sub(words, text)
    return text
