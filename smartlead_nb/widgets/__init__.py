"""ipywidgets forms over the campaign plan: build, preview and launch a campaign.

Needs the ``widgets`` extra (``pip install "smartlead_nb[widgets]"``).

>>> import smartlead_nb as sl
>>> from smartlead_nb.widgets import CampaignBuilder
>>> builder = CampaignBuilder(sl.connect()); builder     # doctest: +SKIP
"""

from .accounts import AccountPicker
from .app import campaign_app
from .builder import CampaignBuilder
from .connection import KeyForm
from .launch import LaunchPanel
from .leads_preview import LeadsPreview, LeadsSource, read_csv_upload
from .schedule_form import ScheduleForm, SettingsForm
from .sequence_editor import SequenceEditor
from .sequence_preview import SequencePreview

__all__ = ["CampaignBuilder", "SequenceEditor", "AccountPicker", "LeadsSource", "LeadsPreview",
           "ScheduleForm", "SettingsForm", "SequencePreview", "LaunchPanel", "KeyForm",
           "read_csv_upload", "campaign_app"]
