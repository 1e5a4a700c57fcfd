"""A separate 'kernel' that launches one plan through ``connect()``, for the resume tests.

    python tests/reliability/launch_child.py NAME N_LEADS

No key is set, so ``connect()`` starts an in-process sandbox on a fresh port over the
database in ``SMARTLEAD_NB_SANDBOX_DB``; state files go to ``SMARTLEAD_NB_CACHE_DIR``.
Prints one JSON line: the campaign id, the client's fingerprint, the lead POSTs it sent.
"""

from __future__ import annotations

import json
import sys

import pandas as pd

import smartlead_nb as sl
from smartlead_nb._connect import sandbox_instance


def main() -> int:
    name, n = sys.argv[1], int(sys.argv[2])
    client = sl.connect(quiet=True)
    sandbox = sandbox_instance()
    accounts = [a["id"] for a in client.email_accounts.list()
                if a["is_smtp_success"] and a["is_imap_success"]][:1]
    plan = sl.CampaignPlan(
        name=name, email_accounts=accounts, schedule=sl.Schedule("UTC"),
        sequences=[{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                    "subject": "Hi", "email_body": "Hello {{first_name}}"}],
        leads=pd.DataFrame({"email": [f"lead{i}@resume.example" for i in range(n)],
                            "first_name": [f"L{i}" for i in range(n)]}))
    result = plan.launch(client, progress=False)
    posts = [r for r in sandbox.requests if r["method"] == "POST"]
    print(json.dumps({"campaign_id": result.campaign_id, "port": sandbox.port,
                      "fingerprint": client.fingerprint,
                      "creates": sum(r["path"] == "/campaigns/create" for r in posts),
                      "lead_posts": sum(r["path"].endswith("/leads") for r in posts),
                      "uploaded": int((result.leads_report["outcome"] == "uploaded").sum())}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
