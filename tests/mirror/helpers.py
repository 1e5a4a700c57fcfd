"""Set-up and the exactness check shared by the mirror's tests (imported, never fixtures)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import requests

STEPS = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
          "subject": "Hi {{first_name}}", "email_body": "Hello {{first_name}}"},
         {"seq_number": 2, "seq_delay_details": {"delay_in_days": 2},
          "subject": "", "email_body": "Following up"}]


def running_campaign(client, name: str, n_leads: int = 60, domain: str = "example.com") -> int:
    """A STARTed campaign with two steps, two healthy senders and ``n_leads`` leads."""
    cid = client.campaigns.create(name)["id"]
    client.sequences.save(cid, STEPS)
    healthy = [a["id"] for a in client.email_accounts.list()
               if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, healthy[:2])
    add_leads(client, cid, range(n_leads), domain)
    client.campaigns.start(cid, confirm=True)
    return cid


def add_leads(client, cid: int, numbers, domain: str = "example.com") -> None:
    # confirm=True: the tests also add leads to campaigns that are already sending
    client.leads.add(cid, [{"email": f"lead{i}.{cid}@{domain}", "first_name": f"L{i}"}
                           for i in numbers], confirm=True)


def per_campaign(requests_log, cid: int) -> list[dict]:
    return [r for r in requests_log if r["path"].startswith(f"/campaigns/{cid}/")
            or r["path"] == f"/campaigns/{cid}"]


def _cell(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.tz_convert("UTC").isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def rows(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    return {tuple(_cell(v) for v in row) for row in frame[columns].itertuples(index=False)}


def server_truth(client, cid: int) -> dict[str, set[tuple]]:
    """What the server holds for a campaign, read the slow, obvious way."""
    export = client.leads.export(cid).rename(columns={"id": "lead_id"})
    export["email"] = export["email"].str.lower()
    export["last_email_sequence_sent"] = pd.to_numeric(export["last_email_sequence_sent"]
                                                       ).astype("Int64")
    listed = client.leads.frame(cid)
    stats = client.statistics.frame(cid)
    stats["lead_email"] = stats["lead_email"].str.lower()
    replies = client.inbox.replies([cid])
    categories = {c["id"]: c["name"] for c in client.leads.categories.list()}
    listed["category"] = listed["lead_category_id"].map(categories)
    return {
        "leads": rows(export, ["lead_id", "email", "status", "open_count", "click_count",
                               "reply_count", "last_email_sequence_sent"]),
        "categories": rows(listed, ["lead_id", "lead_category_id", "category"]),
        "statistics": rows(stats, ["lead_email", "sequence_number", "sent_time", "reply_time",
                                   "is_bounced", "open_count", "click_count", "lead_category"]),
        "replies": rows(replies, ["email_lead_map_id", "reply_time", "category_id"]),
    }


def mirror_view(mirror, cid: int) -> dict[str, set[tuple]]:
    leads = mirror.sql("select * from leads where campaign_id = ?", [cid])
    stats = mirror.sql("select * from statistics where campaign_id = ?", [cid])
    replies = mirror.sql("select * from replies where campaign_id = ?", [cid])
    return {
        "leads": rows(leads, ["lead_id", "email", "status", "open_count", "click_count",
                              "reply_count", "last_email_sequence_sent"]),
        "categories": rows(leads.rename(columns={"category_id": "lead_category_id"}),
                           ["lead_id", "lead_category_id", "category"]),
        "statistics": rows(stats, ["lead_email", "sequence_number", "sent_time", "reply_time",
                                   "is_bounced", "open_count", "click_count", "lead_category"]),
        "replies": rows(replies, ["email_lead_map_id", "reply_time", "category_id"]),
    }


def assert_exact(mirror, client, cid: int) -> None:
    truth, mine = server_truth(client, cid), mirror_view(mirror, cid)
    for part in truth:
        missing, extra = truth[part] - mine[part], mine[part] - truth[part]
        assert not missing and not extra, (
            f"campaign {cid} {part}: {len(missing)} rows missing from the mirror "
            f"(e.g. {sorted(missing, key=str)[:2]}), {len(extra)} it should not have "
            f"(e.g. {sorted(extra, key=str)[:2]})")


class CorruptingProxy:
    """A real HTTP server on 127.0.0.1 that forwards to the sandbox, but answers paths
    containing ``corrupt`` with an HTML page (a captive portal, say): the one fault the
    sandbox will not produce."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.corrupt: str | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if outer.corrupt and outer.corrupt in self.path:
                    data, status, kind = b"<html>Sign in to the Wi-Fi</html>", 200, "text/html"
                else:
                    path = self.path.split("/api/v1", 1)[-1]
                    answer = requests.request(self.command, outer.target + path, data=body,
                                              headers={"Content-Type": "application/json"},
                                              timeout=30)
                    data, status = answer.content, answer.status_code
                    kind = answer.headers.get("Content-Type", "application/json")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


__all__ = ["running_campaign", "add_leads", "assert_exact", "per_campaign", "CorruptingProxy",
           "json"]
