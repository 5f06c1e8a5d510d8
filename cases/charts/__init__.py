"""Pictures for the tumor board screen, computed in plain Python so templates only loop over
ready-made coordinates and words (no arithmetic in templates, nothing inline for the strict CSP).

- ``timeline``: the TACE timeline (``templates/cases/charts.html#timeline``);
- ``algorithm_diagram``: the treatment algorithm with the patient's position
  (``templates/cases/charts.html#algorithm``);
- ``scales`` and ``svg``: the axes and drawing primitives the charts share.

The two builders are exported here under their modules' names, so views write
``from cases.charts import algorithm_diagram, timeline``; import anything else from its module.
"""

from cases.charts.algorithm_diagram import algorithm_diagram
from cases.charts.timeline import timeline

__all__ = ["algorithm_diagram", "timeline"]
