"""A Right to Serve claim decided within 60 days instead of 90.

The 90 days of the baseline are the model's assumption, not statute: Localism Act 2011 s.84 leaves
the period to each relevant authority (see /assumptions#right-to-serve-decision-deadline).
"""

from kruger_rules.reforms import NamedReform


class RightToServe60Days(NamedReform):
    name = "right_to_serve_60_days"
    description = """
        An authority must accept or reject a Right to Serve claim within 60 days of its submission
        instead of 90, from 2020-09-24 (so for claims assessed from 2021); the procurement window,
        counted from the decision due date, moves 30 days earlier with it.
    """
    changes = {"right_to_serve.decision_days": {"2020-09-24": 60}}
