"""Helpers for the sandbox's own tests (tests/sandbox/): their clock's start and a thin HTTP
helper. The fixtures that use them are in tests/sandbox/conftest.py."""
from __future__ import annotations

from datetime import datetime, timezone

import requests

from smartlead_nb.sandbox import Sandbox

# A Monday 08:00 UTC, one hour before the default sending window opens.
START = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)


class Api:
    """requests over real HTTP, with the key added to every call."""

    def __init__(self, sb: Sandbox):
        self.sb = sb
        self.session = requests.Session()

    def call(self, method: str, path: str, params=None, **kwargs) -> requests.Response:
        params = dict(params or {}, api_key=self.sb.api_key)
        return self.session.request(method, self.sb.base_url + path, params=params,
                                    timeout=10, **kwargs)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def patch(self, path, **kw):
        return self.call("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    # -- set-up shortcuts ------------------------------------------------------------
    def create(self, name="Test campaign", **extra) -> int:
        r = self.post("/campaigns/create", json={"name": name, **extra})
        assert r.status_code == 200, r.text
        return r.json()["id"]

    def healthy_account_ids(self) -> list[int]:
        return [a["id"] for a in self.get("/email-accounts/").json()
                if a["is_smtp_success"] and a["is_imap_success"]]

    def add_leads(self, cid: int, leads, **settings) -> dict:
        body = {"lead_list": leads}
        if settings:
            body["settings"] = settings
        r = self.post(f"/campaigns/{cid}/leads", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def statistics(self, cid: int, **params) -> list[dict]:
        """Every per-email statistics row of a campaign, paged 1,000 at a time."""
        rows, offset = [], 0
        while True:
            page = self.get(f"/campaigns/{cid}/statistics",
                            params={"offset": offset, "limit": 1000, **params}).json()
            rows += page["data"]
            if len(page["data"]) < 1000:
                return rows
            offset += 1000

    def ready_campaign(self, n_leads=10, delays=(0, 3), accounts=1, start=True,
                       name="Ready campaign", domain="example.com") -> int:
        """A campaign with steps, accounts and leads; STARTed unless start=False."""
        cid = self.create(name)
        steps = [{"seq_number": i + 1, "seq_delay_details": {"delay_in_days": d},
                  "subject": f"Step {i + 1} for {{{{first_name}}}}" if i == 0 else "",
                  "email_body": f"<p>Body {i + 1}</p>"} for i, d in enumerate(delays)]
        assert self.post(f"/campaigns/{cid}/sequences", json={"sequences": steps}).ok
        ids = self.healthy_account_ids()[:accounts]
        assert self.post(f"/campaigns/{cid}/email-accounts",
                         json={"email_account_ids": ids}).ok
        leads = [{"email": f"lead{i}.{cid}@{domain}", "first_name": f"Lead{i}"}
                 for i in range(n_leads)]
        for chunk in range(0, n_leads, 400):
            self.add_leads(cid, leads[chunk:chunk + 400])
        if start:
            r = self.post(f"/campaigns/{cid}/status", json={"status": "START"})
            assert r.status_code == 200, r.text
        return cid



class FakeClock:
    """A monotonic clock for the rate limiter that moves only when a test sets ``t``."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def when(text: str) -> datetime:
    """A sandbox timestamp (``...Z``) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
