"""`python -m tests.data.hostile.raster_probe SCAN OUT`: cut one map scan to a trip's area of
about 30 km a side over Quảng Trị (eight sites spread over a district) as the offline package
does (layers.exporters.scan_tiles), in a process of its own, so tests.memory_probe can measure
its peak memory. Prints JSON: the files written, or the message of a scan left out.
`… raster_probe --drawing OUT` draws the same area's borders instead (layers.exporters.map_drawing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from layers.exporters.map_drawing import write_drawing
from layers.exporters.offline_maps import tile_layers, trip_area
from layers.exporters.scan_tiles import ScanLeftOut, inspect_raster, write_raster_tiles

DISTRICT = (106.92, 16.82, 107.18, 17.08)  # the stops' lon/lat bounds; trip_area adds the margin


def main() -> None:
    scan, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    area = trip_area(DISTRICT)
    if str(scan) == "--drawing":
        drawing = write_drawing(out / "ban-ve.mbtiles", tile_layers(area, {}, None), area)
        print(json.dumps({"files": [drawing.name]}))
        return
    try:
        written = write_raster_tiles(out / f"{scan.stem}.mbtiles", inspect_raster(scan), area)
    except ScanLeftOut as left_out:
        print(json.dumps({"left_out": str(left_out)}, ensure_ascii=False))
        return
    print(json.dumps({"files": [written.name]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
