"""Adding the form's leads to a campaign that has already started: the one way in, confirmed.

"Create" never changes a campaign that is no longer a draft. When the form holds leads such a
campaign does not, this part of the launch panel says how many SmartLead would add (asked of
SmartLead, by the rules and options the upload will use), that SmartLead will email them with
the wording the campaign holds (not the form's), and adds them only once a box saying so is
ticked and the button is pressed. Before sending it asks again: if the leads, the options or
SmartLead's answer changed since the count was shown, it shows the new count and waits for a
new confirmation.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w

from ..forecast import MAX_FORECAST_REQUESTS, LeadForecast
from ..resources.confirm import added_leads_reason
from ._common import message, plain_words
from .form_words import ADD_TO_RUNNING, CHECK, in_form_words


class AddToRunning(w.VBox):
    """The confirmed add-leads control for a campaign that is not a draft (hidden until
    :meth:`offer` shows it)."""

    def __init__(self, get_plan: Callable[[], Any], get_client: Callable[[], Any], *,
                 state: Any = True, journal: Any = True,
                 get_confirm_overrides: Callable[[], bool] = lambda: False,
                 forecast_requests: int = MAX_FORECAST_REQUESTS) -> None:
        self._get_plan, self._get_client = get_plan, get_client
        self._get_confirm_overrides = get_confirm_overrides
        self.state, self.journal, self.forecast_requests = state, journal, forecast_requests
        self.offered: dict | None = None   # what the shown count was computed for
        self.result = None
        self.text = w.HTML().add_class("sl-running-text")
        self.understood = w.Checkbox(value=False, indent=False, disabled=True,
                                     layout=w.Layout(width="auto")).add_class("sl-running-confirm")
        self.add_button = w.Button(description=ADD_TO_RUNNING, button_style="warning",
                                   icon="user-plus", disabled=True,
                                   layout=w.Layout(width="auto")).add_class("sl-running-add")
        self.status = w.HTML().add_class("sl-running-status")
        self.understood.observe(lambda _: self._sync(), "value")
        self.add_button.on_click(lambda _: self.add())
        super().__init__([w.HTML(f"<b>{ADD_TO_RUNNING}</b>"), self.text, self.understood,
                          self.add_button, self.status])
        self.add_class("sl-running")
        self.hide()

    def hide(self) -> None:
        self.offered = None
        self.understood.value = False
        self.understood.disabled = self.add_button.disabled = True
        self.text.value = self.status.value = ""
        self.layout.display = "none"

    def offer(self, campaign: dict, forecast: LeadForecast | None) -> None:
        """Show what adding the form's leads to ``campaign`` (SmartLead's record of it, read
        just before) would do, as ``forecast`` predicts it."""
        self.hide()
        self.layout.display = None
        plan = self._get_plan()
        name = campaign.get("name") or ""
        why = added_leads_reason(campaign) or ""
        if forecast is None:
            self.text.value = message("The form has no valid leads to add.", "info")
            return
        n = forecast.added
        if n == 0:
            self.text.value = message(in_form_words(
                f"Nothing to add: every lead of the form is already in campaign "
                f"{campaign.get('id')} or would be left out by SmartLead ({forecast.describe()})."),
                "info")
            return
        many = "up to " if not forecast.looked_up else ""
        self.text.value = message(in_form_words(
            f"{why}. {many}{n:,} of the form's leads are not in it yet ({forecast.describe()}). "
            f"Adding them cannot be undone: SmartLead emails them with the wording campaign "
            f'"{name}" holds now, not the form\'s.'), "warning")
        self.understood.description = (f"I understand: SmartLead will email {many}{n:,} "
                                       f"{'person' if n == 1 else 'people'} from campaign “{name}”")
        self.add_button.description = f"Add {many}{n:,} lead{'s' if n != 1 else ''} to campaign “{name}”"
        self.understood.disabled = False
        self.offered = {"campaign_id": int(campaign["id"]), "name": name, "count": n,
                        "leads": plan.sent_digests()["leads"],
                        "overrides": bool(self._get_confirm_overrides())}

    def _sync(self) -> None:
        self.add_button.disabled = not (self.offered is not None and self.understood.value)

    def add(self) -> None:
        """Add the leads, only if the box is ticked and the count shown still holds."""
        offered = self.offered
        if offered is None or not self.understood.value:
            self.status.value = message("Nothing was added: tick the box above first.", "error")
            return
        try:
            plan, client = self._get_plan(), self._get_client()
            if (plan.sent_digests()["leads"] != offered["leads"]
                    or bool(self._get_confirm_overrides()) != offered["overrides"]):
                self.hide()
                self.layout.display = None
                self.status.value = message(
                    f"Nothing was added: the leads or their options changed since the count was "
                    f"shown. Click “{CHECK}” again to see what would be added now.", "error")
                return
            campaign = client.campaigns.get(offered["campaign_id"])
            forecast = plan.forecast_leads(client, campaign_id=offered["campaign_id"],
                                           max_requests=self.forecast_requests)
            if forecast.added != offered["count"]:
                self.offer(campaign, forecast)
                self.status.value = message(
                    f"Nothing was added: SmartLead's answer changed since, and now "
                    f"{forecast.added:,} would be added, not {offered['count']:,}. Tick the box "
                    f"again if you mean it.", "error")
                return
            result = plan.add_leads(client, offered["campaign_id"], confirm=True,
                                    state=self.state, journal=self.journal, progress=False,
                                    confirm_overrides=self._get_confirm_overrides())
        except Exception as exc:
            self.status.value = message(in_form_words(plain_words(exc)), "error")
            return
        self.result = result
        counts = result.summary()
        added = int(counts.get("uploaded", 0))
        rest = ", ".join(f"{int(n):,} {k}" for k, n in counts.items() if k != "uploaded" and n)
        self.hide()
        self.layout.display = None
        self.status.value = message(in_form_words(
            f"SmartLead added {added:,} lead{'s' if added != 1 else ''} to campaign "
            f"{offered['campaign_id']} “{offered['name']}”; it emails them as the campaign "
            f"runs." + (f" Not added: {rest}." if rest else "")), "ok" if added else "warning")
