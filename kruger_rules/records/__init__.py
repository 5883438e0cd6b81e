"""Decision records: a decision kept with everything that made it, so that it can be shown, checked and replayed.

* ``content``: a record's content as canonical JSON, and its hash;
* ``rules_read``: what a decision read: the parameters (value and date in force) and the variables' formulas (a hash each);
* ``decisions``: the records of one answer, one per organisation;
* ``replay``: a record computed again under today's rules, and why its answer changed.

The store keeps them (``kruger_rules.store.decision_records``); the API and the command line call this package.
"""
