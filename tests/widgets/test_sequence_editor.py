"""widgets/sequence_editor.py on its own: steps added, removed and reordered, A/B variants, and
the sequences DataFrame the form stands for (the shape ``frames.sequences`` reads)."""

from __future__ import annotations

from smartlead_nb import sequences_from_frame
from smartlead_nb.widgets.sequence_editor import SequenceEditor


def _editor():
    changes = []
    editor = SequenceEditor(on_change=lambda: changes.append(1))
    return editor, changes


def test_an_empty_editor_has_no_frame():
    editor, _ = _editor()
    assert editor.frame() is None and editor.list_box.children == ()


def test_steps_become_a_sequences_frame_with_default_delays():
    editor, changes = _editor()
    editor.add_step(subject="Idea for {{company_name}}", body="Hi {{first_name}}")
    editor.add_step(body="Following up")                                # default: 3 days later
    editor.add_step(body="Last note", delay=7)
    frame = editor.frame()
    assert list(frame.columns) == ["seq_number", "delay_in_days", "subject", "email_body"]
    assert frame.to_dict("records") == [
        {"seq_number": 1, "delay_in_days": 0, "subject": "Idea for {{company_name}}",
         "email_body": "Hi {{first_name}}"},
        {"seq_number": 2, "delay_in_days": 3, "subject": "", "email_body": "Following up"},
        {"seq_number": 3, "delay_in_days": 7, "subject": "", "email_body": "Last note"}]
    assert changes                                                      # the builder re-checks
    steps = sequences_from_frame(frame)                                 # a frame the plan reads
    assert [s["seq_delay_details"]["delay_in_days"] for s in steps] == [0, 3, 7]


def test_titles_and_buttons_follow_the_order():
    editor, _ = _editor()
    first, second = editor.add_step(body="a"), editor.add_step(body="b")
    assert (first.title.value, second.title.value) == ("<b>Step 1</b>", "<b>Step 2</b>")
    assert first.delay.disabled and first.up.disabled and not first.down.disabled
    assert second.down.disabled and not second.up.disabled
    assert [box for box in editor.list_box.children] == [first.box, second.box]


def test_moving_a_step_first_sends_it_at_once_and_delays_the_old_first():
    editor, _ = _editor()
    editor.add_step(body="intro")
    editor.add_step(body="follow-up", delay=0)
    editor.steps[1].down.click()                                        # last step: no move
    editor.steps[1].up.click()
    frame = editor.frame()
    assert frame["email_body"].tolist() == ["follow-up", "intro"]
    assert frame["delay_in_days"].tolist() == [0, 1]                    # never two at day 0


def test_removing_a_step_renumbers_the_rest():
    editor, changes = _editor()
    for body in ("a", "b", "c"):
        editor.add_step(body=body)
    changes.clear()
    editor.steps[0].remove.click()
    frame = editor.frame()
    assert frame["seq_number"].tolist() == [1, 2] and frame["email_body"].tolist() == ["b", "c"]
    assert frame["delay_in_days"].tolist()[0] == 0                      # the new first step
    assert changes


def test_ab_variants_are_labelled_rows_of_one_step():
    editor, _ = _editor()
    step = editor.add_step(subject="A subject", body="A body")
    step.add_variant.click()
    step.variants[1].subject.value, step.variants[1].body.value = "B subject", "B body"
    frame = editor.frame()
    assert frame[["seq_number", "variant_label", "subject"]].values.tolist() == [
        [1, "A", "A subject"], [1, "B", "B subject"]]
    assert "Variant <b>B</b>" in step.variants[1].label.value
    assert step.variants[0].remove.layout.display is None               # removable when A/B
    step.variants[1].remove.click()
    assert "variant_label" not in editor.frame().columns
    step.variants[0].remove.click()                                     # the last one stays
    assert len(step.variants) == 1 and step.variants[0].remove.layout.display == "none"


def test_set_steps_fills_the_form_from_step_dicts():
    editor, changes = _editor()
    editor.set_steps([
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "seq_variants": [
            {"variant_label": "A", "subject": "One", "email_body": "1"},
            {"variant_label": "B", "subject": "Old", "email_body": "x", "is_deleted": True},
            {"variant_label": "C", "subject": "Two", "email_body": None}]},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 4}, "subject": "",
         "email_body": "Bump"},
    ])
    assert len(changes) == 1                                            # once, not per widget
    assert [len(s.variants) for s in editor.steps] == [2, 1]            # the deleted one is gone
    frame = editor.frame()
    assert frame["variant_label"].fillna("-").tolist() == ["A", "B", "-"]    # step 2: no A/B
    assert frame["subject"].tolist() == ["One", "Two", ""]
    assert frame["email_body"].tolist() == ["1", "", "Bump"]            # None reads as empty
    assert frame["delay_in_days"].tolist() == [0, 0, 4]
    editor.steps[0].variants[1].remove.click()                          # its button still works
    assert len(editor.steps[0].variants) == 1
