#!/usr/bin/env python3
"""Sanity checks for the files produced by scripts/derive_data.py."""
import json, os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from derive_data import (Polyline, DATA, ASSETS, ensure_python_deps, OSM_ATTRIBUTION, BBOX, NAME_RADIUS_M,
                         WEST_TRIPOINT, EAST_TRIPOINT, inv)
ensure_python_deps()
from shapely.geometry import shape, Point
from geographiclib.geodesic import Geodesic
from PIL import Image

def load(n): return json.load(open(os.path.join(DATA, n), encoding="utf-8"))
errors = []
def check(c, msg):
    if not c: errors.append(msg)

# border: OSM shared arc, full precision, west -> east
b = load("border.geojson"); check(len(b["features"]) == 1, "border: one feature")
bp = b["features"][0]["properties"]
g = b["features"][0]["geometry"]; check(g["type"] == "LineString", "border: LineString")
c = g["coordinates"]; pl = Polyline(c)
ref = load("border_reference.json")
check(ref["vertex_count"] == len(c) == bp["vertices"], "border: vertex count")
check(4200 <= len(c) <= 4400, f"border: {len(c)} vertices, expected about 4300")
check(abs(ref["length_m"] - pl.length) < 1e-3, "border: length")
check(1_300_000 <= pl.length <= 1_400_000, f"border: length {pl.length:.0f} m")
check(abs(bp["length_km"] - round(pl.length / 1000, 3)) < 1e-9, "border: length_km")
for k, v in ref["cumulative_m_at_vertex"].items():
    i = len(c) - 1 if k == "last" else int(k)
    check(abs(pl.cum[i] - v) < 1e-3, f"border: chainage at vertex {k}")
check(bp.get("attribution") == OSM_ATTRIBUTION, "border: attribution")
W = Geodesic.WGS84
check(inv(*c[0], *WEST_TRIPOINT) < 10_000, "border: west tripoint")
check(inv(*c[-1], *EAST_TRIPOINT) < 10_000, "border: east tripoint")
check(sum(1 for p in c if len(repr(p[0]).split(".")[-1]) == 7) > len(c) // 2, "border: full (7-decimal) precision")

tjf = load("tajikistan.geojson")["features"]
check(len(tjf) == 1 and tjf[0]["properties"].get("attribution") == OSM_ATTRIBUTION, "tajikistan: one feature, attributed")
tj = shape(tjf[0]["geometry"])
check(tj.is_valid and tj.geom_type == "MultiPolygon", "tajikistan: valid MultiPolygon")
for poly in tj.geoms:
    check(poly.exterior.is_ccw, "tajikistan: exterior rings counter-clockwise")
tj_edge = tj.boundary
check(sum(1 for p in c if tj_edge.distance(Point(p)) < 1e-9) == len(c), "tajikistan: the border lies on the outline")

pv = load("provinces.geojson")
names = {f["properties"]["name"] for f in pv["features"]}
for n in ["Khatlon", "Gorno-Badakhshan", "Balkh", "Kunduz", "Takhar", "Badakhshan"]:
    check(n in names, f"provinces: {n}")
for f in pv["features"]:
    p = f["properties"]
    check({"name", "country", "iso_a3", "border_province"} <= p.keys(), f"provinces: props {p}")
    check(p["border_province"] == (p["name"] in {"Khatlon", "Gorno-Badakhshan", "Balkh", "Kunduz", "Takhar", "Badakhshan"}), "border_province flag")
    s = shape(f["geometry"])
    for poly in ([s] if s.geom_type == "Polygon" else s.geoms):
        check(poly.exterior.is_ccw and all(not r.is_ccw for r in poly.interiors), f"orientation {p['name']}")
check(not ({"Leninabad", "Tadzhikistan Territories"} & names), "provinces: old names")

# rivers: the main stem is the border line itself; the rest WDB-II inside the bbox
rv = load("rivers.geojson")
check(all(f["properties"].get("name") and f["properties"].get("name_origin") for f in rv["features"]), "rivers: names")
rnames = [f["properties"]["name"] for f in rv["features"]]
for n in ["Amu Darya", "Panj", "Pamir", "Vakhsh", "Kunduz", "Kokcha", "Bartang", "Murghab"]:
    check(n in rnames, f"rivers: {n}")
index = {tuple(p): i for i, p in enumerate(c)}
for f in rv["features"]:
    x0, y0, x1, y1 = shape(f["geometry"]).bounds
    check(x0 >= BBOX[0] - 1e-6 and y0 >= BBOX[1] - 1e-6 and x1 <= BBOX[2] + 1e-6 and y1 <= BBOX[3] + 1e-6,
          f"rivers: {f['properties']['name']} outside the bbox")
    if f["properties"].get("on_border"):
        cs = f["geometry"]["coordinates"]
        i0 = index.get(tuple(cs[0]))
        check(i0 is not None and [list(p) for p in c[i0:i0 + len(cs)]] == cs,
              f"rivers: {f['properties']['name']} is not drawn on the border line")

lk = load("lakes.geojson")
for n in ["Karakul", "Sarez Lake", "Shiva Lake"]:
    check(n in [f["properties"]["name"] for f in lk["features"]], f"lakes: {n}")
for f in lk["features"]:
    s = shape(f["geometry"])
    check(s.is_valid and s.exterior.is_ccw, f"lakes: {f['properties']['name']} valid, counter-clockwise")

tw = load("towns.geojson")
req = "Khorugh Ishkoshim Qalaikhumb Vanj Rushon Murghob Panji_Poyon Shahritus Panj Kulob Dushanbe Fayzabad Kunduz Taloqan Mazar-e_Sharif".split()
req = [n.replace("_", " ") for n in req]
tn = [f["properties"]["name"] for f in tw["features"]]
for n in req: check(n in tn, f"towns: {n}")
check(len(tw["features"]) <= 150, "towns: cap")
pops = [f["properties"]["population"] for f in tw["features"]]
check(pops == sorted(pops, reverse=True), "towns: sorted")
for f in tw["features"]:
    p = f["properties"]
    check(isinstance(p["population"], int) and isinstance(p["geonameid"], int) and p["country"] in ("TJ", "AF"), f"towns: {p}")
for f in tw["features"][:20]:
    d, _ = pl.distance(*f["geometry"]["coordinates"])
    check(abs(d / 1000 - f["properties"]["distance_to_border_km"]) <= 0.051, f"towns: {f['properties']['name']} distance")

cr = load("crossings.geojson")
check(len(cr["features"]) == 4, "crossings: four")
for f in cr["features"]:
    d, ch = pl.distance(*f["geometry"]["coordinates"])
    p = f["properties"]
    check(d < 1000 and p["approximate"] is True and p["label"].startswith("Bridge: "), f"crossing {p['name']}")

op = load("outposts.geojson")
check(op.get("sample") is True and "description" in op, "outposts: foreign members")
check(len(op["features"]) >= 32, "outposts: count")
places = [(f["properties"]["name"], f["properties"]["country"], f["geometry"]["coordinates"]) for f in tw["features"]]
kms = []
for f in op["features"]:
    p = f["properties"]; lon, lat = f["geometry"]["coordinates"]
    check(tj.contains(Point(lon, lat)), f"outpost {p['id']} not in Tajikistan")
    d, ch = pl.distance(lon, lat)
    check(1000 <= d <= 5000, f"outpost {p['id']} distance {d}")
    check(abs(d - p["distance_to_border_m"]) <= 1 and abs(ch / 1000 - p["km"]) <= 0.06, f"outpost {p['id']} props")
    check(p["sample"] is True and p["note"] and p["id"].startswith("OP-"), "outpost props")
    near = [(n, cc, inv(lon, lat, *q)) for n, cc, q in places]
    near = [x for x in near if x[2] <= NAME_RADIUS_M]
    if "named_after" in p:
        match = [x for x in near if x[0] == p["named_after"]]
        check(bool(match) and p["named_after"] in p["name"], f"outpost {p['id']}: {p['name']} not named after a place within 15 km")
    else:
        check(not near and p["name"].startswith("Border km "), f"outpost {p['id']}: {p['name']}")
    kms.append(p["km"])
gaps = [b_ - a for a, b_ in zip(kms, kms[1:])]
mean = pl.length / 1000 / len(kms)
check(kms[0] < 10 and kms[-1] > pl.length / 1000 - 10 and max(gaps) <= 1.3 * mean, f"outposts spread {kms[0]} {kms[-1]} {max(gaps)}")

eq = load("equipment.json")
check(eq["format"] == "borderplan-equipment" and eq["version"] == 1 and len(eq["types"]) >= 14, "equipment")
for t in eq["types"]:
    check(t["category"] in ("surveillance", "communications", "mobility", "engineering", "other"), "eq cat")
    check(("detection_range_km" in t) == (t["category"] == "surveillance"), f"eq range {t['id']}")
check(len({t["id"] for t in eq["types"]}) == len(eq["types"]), "eq ids unique")

im = Image.open(os.path.join(ASSETS, "icon.png")); check(im.size == (256, 256) and im.mode == "RGBA", "icon")
check(open(os.path.join(ASSETS, "icon.svg")).read().startswith("<svg"), "svg")

print(f"border {len(c)} vertices {pl.length:.3f} m; provinces {len(pv['features'])}; rivers {len(rv['features'])}; "
      f"lakes {len(lk['features'])}; towns {len(tw['features'])}; crossings {len(cr['features'])}; "
      f"outposts {len(op['features'])}; equipment {len(eq['types'])}")
if errors:
    print("FAILED:\n  " + "\n  ".join(errors)); sys.exit(1)
print("all checks passed")
