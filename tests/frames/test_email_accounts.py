"""Email-account answers -> one row per sender, passwords dropped, warm-up flattened."""

from smartlead_nb.frames.email_accounts import email_accounts_frame


def test_email_accounts_frame_drops_passwords_and_flattens_warmup():
    accounts = [{"id": 1, "from_email": "a@x.example", "password": "p1", "imap_password": "p2",
                 "is_smtp_success": True, "message_per_day": "40",
                 "warmup_details": {"status": "ACTIVE", "warmup_reputation": "98%", "total_sent_count": "12"}}]
    frame = email_accounts_frame(accounts)
    assert "password" not in frame.columns and "imap_password" not in frame.columns
    assert "p1" not in frame.to_string() and "p2" not in frame.to_string()
    assert frame.loc[0, "warmup_status"] == "ACTIVE"
    assert frame.loc[0, "warmup_reputation"] == 98 and frame.loc[0, "message_per_day"] == 40


def test_an_empty_answer_keeps_the_leading_columns():
    assert "from_email" in email_accounts_frame([]).columns
