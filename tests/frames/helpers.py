"""What the lead-frame tests share (imported, never fixtures): a frame builder and the leads
hubspot_contacts.csv must give, written out by hand from the file."""

from __future__ import annotations

import pandas as pd


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


HUBSPOT_LEADS = [
    {"email": "ana.silva@example.eu", "first_name": "Ana", "last_name": "Silva",
     "company_name": "Example GmbH", "phone_number": "+351 21 000 0000",
     "website": "https://example.eu", "location": "Lisbon",
     "custom_fields": {"Record ID": "1001", "Country/Region": "Portugal", "Job Title": "CFO",
                       "Lifecycle Stage": "lead", "Create Date": "2024-01-15T09:30:00"}},
    {"email": "BOB@Acme.io", "first_name": "Bob", "last_name": "Jones", "company_name": "Acme",
     "website": "acme.io",
     "custom_fields": {"Record ID": "1002", "Country/Region": "United States",
                       "Job Title": "VP Sales", "Lifecycle Stage": "customer",
                       "Create Date": "2024-02-01T14:05:00"}},
    {"email": "zoe@bücher.de", "first_name": "Zoë", "last_name": "O'Brien",
     "company_name": 'Bücher "&" Co', "website": "bücher.de", "location": "Köln",
     "custom_fields": {"Record ID": "1006", "Country/Region": "Germany",
                       "Job Title": 'Head of "Growth"', "Lifecycle Stage": "lead",
                       "Create Date": "2024-03-01T00:00:00"}},
]
