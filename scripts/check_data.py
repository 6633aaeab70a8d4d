#!/usr/bin/env python3
"""Sanity checks for the files produced by scripts/derive_data.py."""
import json, os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from derive_data import Polyline, DATA, ASSETS, ensure_python_deps
ensure_python_deps()
from shapely.geometry import shape, Point
from shapely.ops import unary_union
from geographiclib.geodesic import Geodesic
from PIL import Image

def load(n): return json.load(open(os.path.join(DATA, n), encoding="utf-8"))
errors = []
def check(c, msg):
    if not c: errors.append(msg)

b = load("border.geojson"); check(len(b["features"]) == 1, "border: one feature")
g = b["features"][0]["geometry"]; check(g["type"] == "LineString", "border: LineString")
c = g["coordinates"]; pl = Polyline(c)
ref = load("border_reference.json")
check(ref["vertex_count"] == len(c) == b["features"][0]["properties"]["vertices"], "border: vertex count")
check(abs(ref["length_m"] - pl.length) < 1e-3, "border: length")
check(abs(b["features"][0]["properties"]["length_km"] - round(pl.length / 1000, 3)) < 1e-9, "border: length_km")
W = Geodesic.WGS84
check(W.Inverse(c[0][1], c[0][0], 37.19, 67.78)["s12"] < 5000, "border: west tripoint")
check(W.Inverse(c[-1][1], c[-1][0], 37.23, 74.89)["s12"] < 5000, "border: east tripoint")
check(all(len(str(x).split(".")[-1]) <= 6 for p in c for x in p), "border: 6 decimals")

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
tj = unary_union([shape(f["geometry"]) for f in pv["features"] if f["properties"]["iso_a3"] == "TJK"])

rv = load("rivers.geojson")
check(all(f["properties"].get("name") for f in rv["features"]), "rivers: names")
check(any(f["properties"]["name"] == "Panj" for f in rv["features"]), "rivers: Panj")
for f in rv["features"]:
    x0, y0, x1, y1 = shape(f["geometry"]).bounds
    check(x0 >= 66.5 - 1e-6 and y0 >= 35.5 - 1e-6 and x1 <= 75.5 + 1e-6 and y1 <= 39.5 + 1e-6, "rivers: bbox")

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

op = load("outposts.geojson")
check(op.get("sample") is True and "description" in op, "outposts: foreign members")
check(len(op["features"]) >= 32, "outposts: count")
kms = []
for f in op["features"]:
    p = f["properties"]; lon, lat = f["geometry"]["coordinates"]
    check(tj.contains(Point(lon, lat)), f"outpost {p['id']} not in Tajikistan")
    d, ch = pl.distance(lon, lat)
    check(1000 <= d <= 5000, f"outpost {p['id']} distance {d}")
    check(abs(d - p["distance_to_border_m"]) <= 1 and abs(ch / 1000 - p["km"]) <= 0.06, f"outpost {p['id']} props")
    check(p["sample"] is True and p["note"] and p["id"].startswith("OP-"), "outpost props")
    kms.append(p["km"])
gaps = [b_ - a for a, b_ in zip(kms, kms[1:])]
check(kms[0] < 10 and kms[-1] > pl.length / 1000 - 10 and max(gaps) <= 40.5, f"outposts spread {kms[0]} {kms[-1]} {max(gaps)}")

eq = load("equipment.json")
check(eq["format"] == "borderplan-equipment" and eq["version"] == 1 and len(eq["types"]) >= 14, "equipment")
for t in eq["types"]:
    check(t["category"] in ("surveillance", "communications", "mobility", "engineering", "other"), "eq cat")
    check(("detection_range_km" in t) == (t["category"] == "surveillance"), f"eq range {t['id']}")
check(len({t["id"] for t in eq["types"]}) == len(eq["types"]), "eq ids unique")

im = Image.open(os.path.join(ASSETS, "icon.png")); check(im.size == (256, 256) and im.mode == "RGBA", "icon")
check(open(os.path.join(ASSETS, "icon.svg")).read().startswith("<svg"), "svg")

print(f"border {len(c)} vertices {pl.length:.3f} m; provinces {len(pv['features'])}; rivers {len(rv['features'])}; "
      f"towns {len(tw['features'])}; outposts {len(op['features'])}; equipment {len(eq['types'])}")
if errors:
    print("FAILED:\n  " + "\n  ".join(errors)); sys.exit(1)
print("all checks passed")
