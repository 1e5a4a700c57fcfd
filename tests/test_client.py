"""``SmartleadClient`` itself (client.py): the raw escape hatch, ``request()``'s error mapping
(422) and its retries of reads (503). Each resource's methods are tested in
``test_client_<resource>.py``."""

import pytest

from smartlead_nb import ServerError
from smartlead_nb.errors import ValidationError
from smartlead_nb.sandbox import Faults

from .helpers import FAST_RETRIES, sent


def test_raw_request_and_422_maps_to_validation_error(client, ready_campaign):
    response = client.raw_request("GET", f"campaigns/{ready_campaign}/leads", params={"limit": 1})
    assert response.status == 200 and response.retries == 0 and "Content-Type" in response.headers
    assert len(response.body["data"]) == 1
    with pytest.raises(ValidationError) as info:
        client.request("GET", f"campaigns/{ready_campaign}/leads", params={"limit": 500})
    assert info.value.status == 422 and isinstance(info.value, ValueError)


def test_503_is_retried_for_reads(client, sandbox):
    sandbox.faults = Faults(p503=1.0)
    with pytest.raises(ServerError) as info:
        client.campaigns.list()
    assert info.value.status == 503
    assert len(sent(sandbox, "GET", "/campaigns")) == FAST_RETRIES.total + 1
