"""monitor: polls feeds, matches items against tracked topics and people, and alerts.

The packages read as the path of one item: ``monitor.fetch`` -> ``monitor.parse`` ->
(``monitor.match``) -> ``storage`` -> ``alerts``; ``monitor.pipeline`` runs the stages in
order and ``monitor.cli`` builds every object.
"""

__version__ = "0.1.0"
