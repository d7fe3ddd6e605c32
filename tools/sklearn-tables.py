#!/usr/bin/env python3
"""Writes the small real tables Debian's python3-sklearn ships (iris, wine, digits) as ordinary CSV files with a header
row and string class names, the form `dataset: {csv: ...}` reads:  python3 tools/sklearn-tables.py [FOLDER]  (default: data/tables).
Reads sklearn's own files directly (standard library only); sklearn itself is not imported."""
import csv, gzip, os, sys

SRC = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "tables")
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def sklearn_table(name):
    """sklearn's layout: a first line 'rows,features,class names...', then rows of features and a class index."""
    with open(os.path.join(SRC, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0][2:], rows[1:]


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)
    print(f"wrote {path}: {len(rows)} rows")


if not os.path.isdir(SRC):
    sys.exit(f"{SRC} not found: install python3-sklearn (apt-get install python3-sklearn)")
names, rows = sklearn_table("iris.csv")
write(os.path.join(out, "iris.csv"), ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"],
      [r[:4] + [names[int(r[4])]] for r in rows])
names, rows = sklearn_table("wine_data.csv")
features = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
            "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315", "proline"]
write(os.path.join(out, "wine.csv"), features + ["cultivar"], [r[:13] + [names[int(r[13])]] for r in rows])
with gzip.open(os.path.join(SRC, "digits.csv.gz"), "rt", newline="") as f:
    rows = [r for r in csv.reader(f) if r]
write(os.path.join(out, "digits.csv"), [f"pixel_{i}" for i in range(64)] + ["digit"],
      [[str(int(float(v))) for v in r[:64]] + [DIGITS[int(float(r[64]))]] for r in rows])
