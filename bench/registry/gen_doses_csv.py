#!/usr/bin/env python3
"""Writes a people-with-doses CSV (DESIGN.md format) for the import benchmark.

usage: gen_doses_csv.py ROWS OUT.csv [SEED]

Two doses per person (Comirnaty, 28 days apart, 2021) at facility HN-BACHMAI; valid CCCDs
consistent with sex and birth year; real communes from src/geo/data/admin_units.csv; names from
src/app/data/demo_names.csv. Deterministic for a seed.
"""
import csv, datetime, os, random, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
communes = []
with open(os.path.join(root, "src/geo/data/admin_units.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        communes.append((r["province_code"], r["district_code"], r["commune_code"]))
family, middle, given = [], {"M": [], "F": []}, {"M": [], "F": []}
with open(os.path.join(root, "src/app/data/demo_names.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["component"] == "family":
            family.append(r["value"])
        elif r["component"] == "middle" and r["value"]:
            middle[r["sex"]].append(r["value"])
        elif r["component"] == "given":
            given[r["sex"]].append(r["value"])
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,"
            "vaccine,lot,dose_number,date,facility_code\n")
    person = 0
    written = 0
    while written < rows:
        person += 1
        sex = rng.choice("MF")
        year = rng.randint(1940, 2005)
        dob = "%04d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))
        digit = (2 if year >= 2000 else 0) + (0 if sex == "M" else 1)
        p, d, c = rng.choice(communes)
        cccd = "0%s%d%02d%06d" % (p, digit, year % 100, person % 1000000)
        name = "%s %s %s" % (rng.choice(family), rng.choice(middle[sex]), rng.choice(given[sex]))
        phone = "09%08d" % rng.randint(0, 99999999)
        day = rng.randint(0, 150)
        for n in (1, 2):
            if written == rows:
                break
            date = (datetime.date(2021, 6, 1) + datetime.timedelta(days=day + 28 * (n - 1))).isoformat()
            f.write("r%d,%s,%s,%s,%s,%s,%s,%s,%s,COMIRNATY,FF%04d,%d,%s,HN-BACHMAI\n" %
                    (person, cccd, name, dob, sex, phone, p, d, c, rng.randint(0, 9999), n, date))
            written += 1
