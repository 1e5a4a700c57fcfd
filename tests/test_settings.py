import pytest

from smartlead_nb import CampaignSettings, InputError
from smartlead_nb.settings import check_settings_payload


def test_plain_words_map_to_enums():
    body = CampaignSettings(track_opens=False, track_clicks=False, stop_on="clicked",
                            plain_text=True, follow_up_share=30, unsubscribe_text="").to_payload()
    assert body == {"track_settings": ["DONT_TRACK_EMAIL_OPEN", "DONT_TRACK_LINK_CLICK"],
                    "stop_lead_settings": "CLICK_ON_A_LINK", "unsubscribe_text": "",
                    "send_as_plain_text": True, "follow_up_percentage": 30}


def test_tracking_everything_sends_empty_list_and_unset_sends_nothing():
    assert CampaignSettings(track_opens=True).to_payload() == {"track_settings": []}
    assert CampaignSettings().to_payload() == {}


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(stop_on="bounce"), "unknown stop rule 'bounce'"),
    (dict(follow_up_share=101), "0-100"), (dict(follow_up_share=True), "0-100"),
    (dict(track_opens="no"), "True or False"),
])
def test_bad_settings(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        CampaignSettings(**kwargs)


def test_read_back_short_forms():
    s = CampaignSettings.from_campaign({"track_settings": ["DONT_EMAIL_OPEN"],
                                        "stop_lead_settings": "REPLY_TO_AN_EMAIL"})
    assert (s.track_opens, s.track_clicks, s.stop_on) == (False, True, "REPLY_TO_AN_EMAIL")
    assert CampaignSettings.from_campaign({"track_settings": "DONT_LINK_CLICK"}).track_clicks is False


def test_hand_written_payload_checked():
    assert check_settings_payload({"stop_lead_settings": "reply"}) == {"stop_lead_settings": "REPLY_TO_AN_EMAIL"}
    with pytest.raises(InputError, match="TRACK_OPENS"):
        check_settings_payload({"track_settings": ["TRACK_OPENS"]})
    with pytest.raises(InputError, match="track_open"):
        check_settings_payload({"track_open": False})


def test_a_misspelt_setting_suggests_the_right_name(client):
    """Issue 11: track_open is a slip for track_opens; say so, in both front doors."""
    cid = client.campaigns.create("Slips")["id"]
    with pytest.raises(InputError, match=r"'track_open' \(did you mean 'track_opens'\?\)"):
        client.campaigns.settings(cid, track_open=False)
    with pytest.raises(InputError, match=r"did you mean 'stop_on'"):
        CampaignSettings(stop_onn="reply")
    with pytest.raises(InputError, match=r"did you mean 'stop_lead_settings'"):
        client.campaigns.settings(cid, {"stop_lead_setting": "reply"})
