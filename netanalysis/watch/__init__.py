"""Watch rules: saved questions run on every new load of a case, raising alerts.

- :mod:`netanalysis.watch.rules`: :func:`load_rules`, rule files checked before they run.
- :mod:`netanalysis.watch.alerts`: :func:`watch`, :func:`evaluate_rules`, ``alerts.csv``.
"""

from netanalysis.watch.alerts import ALERT_COLUMNS, evaluate_rules, fingerprint, watch
from netanalysis.watch.rules import RULE_TYPES, load_rules

__all__ = ["watch", "evaluate_rules", "fingerprint", "load_rules", "RULE_TYPES", "ALERT_COLUMNS"]
