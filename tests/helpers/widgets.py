"""Helpers for the widget tests: the sandbox's healthy sender ids, filling the builder the way a
user would, and every live widget's state. Fixtures are in tests/widgets/conftest.py."""

from __future__ import annotations

HEALTHY = (3001, 3002)


def fill(builder, leads, name="Q1 outreach"):
    """Fill every step of the form the way a user would."""
    builder.name.value = name
    first = builder.sequence.steps[0]
    first.variants[0].subject.value = "Idea for {{company_name}}"
    first.variants[0].body.value = "Hi {{first_name}}, a thought for {{company_name}}."
    second = builder.sequence.add_step(body="Following up on my note.")
    second.delay.value = 3
    for account_id in HEALTHY:
        builder.accounts._boxes[account_id].value = True
    builder.set_leads(leads)
    builder.schedule.timezone.value = "Europe/Berlin"
    builder.schedule.start.value = "08:30"
    builder.schedule.end.value = "16:00"
    builder.settings.track_opens.value = False
    builder.settings.stop_on.value = "click"
    return builder


def all_widget_states():
    """Every live widget's state, as a notebook would save it."""
    from ipywidgets.widgets.widget import _instances

    return [widget.get_state() for widget in list(_instances.values())]
