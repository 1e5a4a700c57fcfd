"""The campaign builder as a page for someone who does not code (served by Voila).

>>> from smartlead_nb.widgets import campaign_app
>>> campaign_app()                                     # the whole page, in one widget  # doctest: +SKIP

It says in plain words where the form sends (a practice copy of SmartLead on this computer, or
the user's real account) instead of the developer's log line ``connect()`` prints, and adds
one short introduction above the form.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from .builder import CampaignBuilder

INTRO = (
    "<p>Fill in the tabs from left to right: a name, the emails, the mailboxes that send them, "
    "the people to write to, and when. <b>Check plan</b> tells you what will be made and what "
    "still needs fixing. <b>Create campaign</b> saves it as a draft: nothing is sent. Sending "
    "only starts when you type the campaign's name and press <b>Start sending</b>.</p>")

PRACTICE = ("Practice mode: no SmartLead key is set on this computer, so this page works with a "
            "practice copy of SmartLead that lives here. Nothing reaches SmartLead and no email "
            "is sent.")
LIVE = ("Connected to your SmartLead account: <b>Create campaign</b> makes a real draft "
        "campaign there, and <b>Start sending</b> sends real email.")


def campaign_app(client: Any = None, **builder_options: Any) -> w.VBox:
    """The page: a title, where it sends (practice or live), a short introduction, the form.

    ``client`` defaults to ``smartlead_nb.connect(quiet=True)`` (the sandbox with no key).
    ``builder_options`` go to :class:`CampaignBuilder`; ``page.builder`` is the form.
    """
    if client is None:
        from .._connect import connect

        client = connect(quiet=True)
    practice = getattr(client, "mode", "live") != "live"
    where = w.HTML(f'<div class="sl-mode sl-mode-{"practice" if practice else "live"}" '
                   f'style="padding:6px 10px;margin:4px 0;border-radius:4px;'
                   f'background:{"#e8f4fd" if practice else "#fdecea"}">'
                   f'{PRACTICE if practice else LIVE}</div>').add_class("sl-app-mode")
    builder = CampaignBuilder(client, title=None, **builder_options)
    page = w.VBox([w.HTML("<h2>Plan a SmartLead campaign</h2>"), where,
                   w.HTML(INTRO).add_class("sl-app-intro"), builder]).add_class("sl-app")
    page.builder = builder
    return page
