"""Key-leak scan: a canary key, DEBUG logging everywhere, then every place an analyst's key
could end up is searched for it: log records (formatted, with tracebacks), exception texts,
tracebacks with every frame's variables and chained causes, reprs, the request log, widget
state (what JupyterLab saves), a notebook run with the key and saved, the journal and plan
state files and every cassette (read as the recorder's check reads them).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import time
import traceback
from pathlib import Path

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb import RetryPolicy, SmartleadClient
from smartlead_nb.replay import find_leaks, leaks_in_file
from smartlead_nb.sandbox import Faults, Sandbox

from ..helpers import FAST_RETRIES, START

CANARY = "sk-canary-0d1e2f3a4b5c6d7e8f90"
REPO = Path(__file__).resolve().parents[2]


class Capture(logging.Handler):
    """Every record, formatted the way a handler would print it (message, args, traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))
        self.lines.append(repr(record.__dict__))


@pytest.fixture
def debug_logs():
    root = logging.getLogger()
    old = root.level
    handler = Capture()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    names = ("smartlead_nb", "urllib3", "requests", "pyrate_limiter", "filelock")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)
    for name, level in levels.items():   # later tests see the levels they would alone
        logging.getLogger(name).setLevel(level)


class Places:
    """Texts to search, each with a name, so that a hit says where."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, text: object) -> None:
        self.items.append((where, text if isinstance(text, str) else str(text)))

    def error(self, where: str, exc: BaseException) -> None:
        self.add(f"{where}: str", str(exc))
        self.add(f"{where}: repr", repr(exc))
        self.add(f"{where}: traceback", "".join(traceback.format_exception(exc)))
        self.add(f"{where}: traceback with variables", "".join(
            traceback.TracebackException.from_exception(exc, capture_locals=True).format()))
        for i, chained in enumerate((exc.__cause__, exc.__context__)):
            if chained is not None:
                self.add(f"{where}: chained {i}", f"{chained!r} {chained.args!r}")
        for attr in ("url", "body", "headers"):
            self.add(f"{where}: .{attr}", repr(getattr(exc, attr, None)))
        try:
            self.add(f"{where}: pickle", pickle.dumps(exc).decode("latin-1"))
        except Exception as pickling:  # noqa: BLE001 - its message is searched too
            self.add(f"{where}: pickle error", repr(pickling))

    def files(self, where: str, root: Path) -> None:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            self.add(f"{where}: {path.name}", path.read_bytes().decode("utf-8", "replace"))
            if path.suffix in (".yaml", ".ipynb", ".json"):
                self.add(f"{where}: {path.name} as checked",
                         "\n".join(leaks_in_file(path, (CANARY,))) or "")

    def hits(self) -> list[str]:
        return [where for where, text in self.items
                if CANARY in text or CANARY[3:] in text or find_leaks(text, (CANARY,))]


@pytest.mark.slow
def test_canary_key_appears_nowhere(tmp_path, debug_logs, monkeypatch):
    pytest.importorskip("ipywidgets")
    cache = tmp_path / "cache"
    monkeypatch.setenv("SMARTLEAD_NB_CACHE_DIR", str(cache))
    places = Places()
    kinds_of_error = []
    with Sandbox(db_path=tmp_path / "canary.sqlite3", api_key=CANARY, rate_limits=None,
                 start_time=START) as sb:
        # a shared budget file too (scaled down: the sandbox here enforces no limits)
        client = SmartleadClient(CANARY, base_url=sb.base_url, retry=FAST_RETRIES,
                                 rate_limit=sl.RateLimit(time_scale=0.001))
        for obj in (client, client._transport, client._transport._key, client.stats, sb,
                    client.last_rate_limit, client._transport.session.params,
                    client._transport.session.adapters):
            places.add(f"repr {type(obj).__name__}", repr(obj))
        # -- successes, through every layer
        cid = client.campaigns.create("Canary")["id"]
        client.sequences.save(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                     "subject": "Hi {{first_name}}", "email_body": "Hello"}])
        client.campaigns.email_accounts.add(cid, [3001])
        leads = pd.DataFrame({"Email": [f"p{i}@canary.example" for i in range(30)] + ["bad@"],
                              "First Name": ["P"] * 31})
        up = sl.upload_leads(client, cid, leads, journal=True, progress=True)
        places.add("UploadResult repr", repr(up))
        places.add("upload report", up.rows.to_csv())
        places.add("campaigns frame", client.campaigns.frame().to_csv())
        places.add("leads frame", client.leads.frame(cid).to_csv())
        plan = sl.CampaignPlan("Canary plan", sequences=pd.DataFrame(
            {"seq_number": [1], "subject": ["Hi"], "email_body": ["Hello {{first_name}}"]}),
            leads=leads, email_accounts=[3001], schedule=sl.Schedule("UTC"))
        launched = plan.launch(client, state=True, journal=True, progress=False)
        places.add("LaunchResult repr", repr(launched))
        places.add("plan dry run", plan.dry_run().to_json())
        places.add("plan repr", repr(plan))
        # -- every kind of failure
        empty = client.campaigns.create("Empty")["id"]  # no steps, no leads: START is refused
        failures = {
            "404": lambda: client.campaigns.get(987654),
            "400": lambda: client.request("POST", "campaigns/create", json={"name": 5, "bogus": 1}),
            "start refused": lambda: client.campaigns.start(empty, confirm=True),
            "401 (sandbox with another key)": lambda: SmartleadClient(
                CANARY, base_url=other.base_url, rate_limit=None, retry=FAST_RETRIES).campaigns.list(),
            "connection refused": lambda: SmartleadClient(
                CANARY, base_url="http://127.0.0.1:9/api/v1", rate_limit=None,
                retry=FAST_RETRIES).campaigns.list(),
            "input error": lambda: client.campaigns.delete(cid),
        }
        with Sandbox(db_path=tmp_path / "other.sqlite3", api_key="another-key", rate_limits=None,
                     start_time=START) as other:
            for kind, call in failures.items():
                with pytest.raises(Exception) as info:
                    call()
                places.error(kind, info.value)
                kinds_of_error.append(type(info.value).__name__)
        for kind, faults in {"429": Faults(p429=1.0), "500": Faults(p500=1.0),
                             "503": Faults(p503=1.0), "drop": Faults(p_drop=1.0)}.items():
            sb.faults = faults
            for call in (lambda: client.campaigns.list(), lambda: client.campaigns.create("x")):
                with pytest.raises(sl.SmartleadError) as info:
                    call()
                places.error(f"fault {kind}", info.value)
                kinds_of_error.append(type(info.value).__name__)
            sb.faults = None
        sb.faults = Faults(latency=0.5)
        slow = SmartleadClient(CANARY, base_url=sb.base_url, rate_limit=None, timeout=0.1,
                               retry=RetryPolicy(total=0, post_429=0))
        with pytest.raises(sl.TransportError) as info:
            slow.campaigns.list()
        places.error("timeout", info.value)
        kinds_of_error.append("timeout")
        time.sleep(0.6)  # let the sandbox finish the abandoned request before moving on
        sb.faults = None
        post = client.leads.send_batch

        def failing_post(*args):  # the lead request itself meets a 500
            sb.faults = Faults(p500=1.0)
            try:
                return post(*args)
            finally:
                sb.faults = None
        client.leads.send_batch = failing_post
        with pytest.raises(sl.UploadInterrupted) as info:
            sl.upload_leads(client, cid, leads.assign(Email=leads["Email"].str.replace("p", "q")),
                            journal=True, progress=False)
        client.leads.send_batch = post
        places.error("UploadInterrupted", info.value)
        places.add("UploadInterrupted result", repr(info.value.result))

        # -- a widget flow: the key typed into the form, a campaign created
        from smartlead_nb.widgets import CampaignBuilder
        from tests.helpers.widgets import fill

        demo = SmartleadClient("not-the-canary", base_url=sb.base_url, rate_limit=None)
        builder = CampaignBuilder(demo, state=tmp_path / "builder-state.json",
                                  journal=tmp_path / "builder-journal.jsonl", namespace={},
                                  make_client=lambda key: SmartleadClient(
                                      key, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES))
        builder.key_form.key.value = CANARY
        builder.key_form.button.click()
        assert "Key accepted" in builder.key_form.status.value
        fill(builder, pd.DataFrame({"Email": ["ana@example.com", "ben@example.com"],
                                    "First Name": ["Ana", "Ben"], "Company": ["A", "B"]}),
             name="Canary widget")
        builder.launch_panel.create_button.click()
        assert builder.result is not None, builder.launch_panel.status.value
        assert builder.result.campaign_id != cid
        builder.launch_panel.confirm.value = "wrong name"
        builder.launch_panel.start()
        from ipywidgets.widgets.widget import _instances  # ipywidgets 8: every live widget
        live = list(_instances.values())
        assert len(live) > 20
        for widget in live:
            places.add(f"widget state {type(widget).__name__}",
                       json.dumps(widget.get_state(), default=repr))
        places.add("builder repr", repr(builder))

        # -- a notebook run with the canary as SMARTLEAD_API_KEY, saved
        import nbformat

        from smartlead_nb.recorder import CASSETTE_ENV, RECORD_ENV, execute_notebook

        places.add("sandbox request log", json.dumps(sb.requests, default=repr))
    # a fresh sandbox for the notebook, as a new user's would be; its key is the canary
    with Sandbox(db_path=tmp_path / "nb.sqlite3", api_key=CANARY, rate_limits=None) as nb_sb:
        env = {k: v for k, v in os.environ.items() if k not in (CASSETTE_ENV, RECORD_ENV)}
        env.update(SMARTLEAD_API_KEY=CANARY, SMARTLEAD_BASE_URL=nb_sb.base_url,
                   SMARTLEAD_NB_CACHE_DIR=str(tmp_path / "nb-cache"), MPLBACKEND="Agg")
        nb = execute_notebook(REPO / "notebooks" / "01_quickstart.ipynb", env, timeout=180)
        saved = tmp_path / "executed" / "01_quickstart.ipynb"
        saved.parent.mkdir()
        nbformat.write(nb, saved)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert len(outputs) > 5 and nb_sb.base_url in saved.read_text()  # it ran, against it
        places.add("executed notebook", saved.read_text())
        places.add("notebook sandbox request log", json.dumps(nb_sb.requests, default=repr))

    # -- files: journals, plan state, budget files, cassettes
    places.files("cache dir (journals, plan state, budget)", cache)
    places.files("notebook cache dir", tmp_path / "nb-cache")
    places.add("builder state", (tmp_path / "builder-state.json").read_text())
    places.add("builder journal", (tmp_path / "builder-journal.jsonl").read_text())
    places.files("cassettes", REPO / "tests" / "cassettes")
    places.add("DEBUG log", "\n".join(debug_logs.lines))

    # the scan can find a leak: the canary is searched for, not some other string
    assert Places.hits(type("P", (), {"items": [("probe", f"x?api_key={CANARY}")]})()) == ["probe"]
    assert any("REDACTED" in text for _, text in places.items)   # URLs were logged, redacted
    assert len(debug_logs.lines) > 100
    assert any((cache / "uploads").glob("*.jsonl")) and any((cache / "plans").glob("*.json"))
    assert {"NotFoundError", "BadRequestError", "AuthenticationError", "TransportError",
            "InputError", "RateLimitError", "ServerError"} <= set(kinds_of_error)
    hits = places.hits()
    print(f"\nKEY LEAK SCAN: {len(places.items)} places searched "
          f"({len(debug_logs.lines) // 3} log records, {len(kinds_of_error)} errors, "
          f"{len(live)} widgets, 1 notebook, {len(list((REPO / 'tests' / 'cassettes').glob('*')))} cassettes); "
          f"canary hits: {len(hits)}")
    assert hits == []
