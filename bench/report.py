#!/usr/bin/python3
"""Helpers for bench/run.sh (standard library only).

  report.py compare API.json FLASK.json     check both bodies list the same products
  report.py summary WORKDIR OUT.json        parse wrk outputs, print the table, write OUT.json

WORKDIR holds, written by run.sh:
  meta.env                 KEY=VALUE lines (machine, versions, conditions)
  wrk-<name>.txt           raw `wrk --latency` output, one file per measured target
  bytes-<name>             body size in bytes of one response of that target
  cpu-<name>               server=, postgres=, all= cores used during that measured run
  rss.env                  api_idle_kb, api_after_kb, gunicorn_kb, nginx_kb
  compare.txt              output of `report.py compare` (optional)
"""

import datetime
import decimal
import json
import os
import re
import sys

# name -> human label, in the order they are measured and printed
TARGETS = [
    ("nginx_static", "nginx static (same bytes)"),
    ("api_list", "API  GET /api/produits"),
    ("flask_list", "Flask GET /api/produits"),
    ("api_search", "API  GET /api/produits?q="),
    ("flask_search", "Flask GET /api/produits?q="),
]

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"unparsable wrk duration {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(text):
    """Extract req/s, latency percentiles and error counts from `wrk --latency` output."""
    out = {"rps": None, "p50_ms": None, "p75_ms": None, "p90_ms": None, "p99_ms": None,
           "requests": None, "non_2xx": 0, "socket_errors": {}}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if m:
        out["rps"] = float(m.group(1))
    m = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
        out["duration_ms"] = to_ms(m.group(2))
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+\w+)\s*$", text, re.M)
        if m:
            out[f"p{pct}_ms"] = to_ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non_2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"),
                                        map(int, m.groups())))
    return out


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if "=" in line and not line.startswith("#"):
                    k, v = line.split("=", 1)
                    env[k] = v
    return env


# ---------------------------------------------------------------- compare

def norm_time(v):
    if v is None:
        return None
    t = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
    return t.astimezone(datetime.timezone.utc).replace(microsecond=0)


def compare(api_path, flask_path):
    """Are the two product lists the same rows? Prices compared as exact decimals."""
    with open(api_path, encoding="utf-8") as f:
        api = json.load(f, parse_float=decimal.Decimal)
    with open(flask_path, encoding="utf-8") as f:
        flask = json.load(f, parse_float=decimal.Decimal)
    problems = []
    if not isinstance(api, list) or not isinstance(flask, list):
        problems.append("a body is not a JSON array")
    else:
        if len(api) != len(flask):
            problems.append(f"{len(api)} products from the API, {len(flask)} from Flask")
        fields = ["id", "nom", "categorie", "prix", "stock", "description", "image_url",
                  "created_at", "updated_at"]
        for a, b in zip(api, flask):
            for k in fields:
                if k not in a:
                    problems.append(f"API product {a.get('id')} lacks field {k}")
                    continue
                va, vb = a.get(k), b.get(k)
                if k == "prix":
                    va, vb = decimal.Decimal(str(va)), decimal.Decimal(str(vb))
                    vb = vb.quantize(decimal.Decimal("0.01"))  # Flask's float -> 2 places
                elif k.endswith("_at"):
                    va, vb = norm_time(va), norm_time(vb)
                if va != vb:
                    problems.append(f"product {a.get('id')}: {k} {va!r} != {vb!r}")
            if len(problems) > 5:
                break
    n = len(api) if isinstance(api, list) else 0
    if problems:
        print(f"DIFFERENT ({n} products): " + "; ".join(problems[:5]))
        return 1
    print(f"same {n} products, same fields and values")
    return 0


# ---------------------------------------------------------------- summary

def verdict(ok):
    return "pass" if ok else "MISS"


def fmt_ms(v):
    return "-" if v is None else (f"{v:.2f} ms" if v < 100 else f"{v:.0f} ms")


def summary(workdir, out_path):
    meta = read_env(os.path.join(workdir, "meta.env"))
    rss = {k: int(v) for k, v in read_env(os.path.join(workdir, "rss.env")).items() if v}
    def load(run, label):
        path = os.path.join(workdir, f"wrk-{run}.txt")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            r = parse_wrk(f.read())
        r["label"] = label
        bpath = os.path.join(workdir, f"bytes-{run}")
        if os.path.exists(bpath):
            with open(bpath, encoding="utf-8") as f:
                r["body_bytes"] = int(f.read().strip() or 0)
        cpu = {k: float(v) for k, v in read_env(os.path.join(workdir, f"cpu-{run}")).items()}
        if {"server", "postgres", "wrk", "all"} <= cpu.keys():
            # what neither the server, PostgreSQL nor wrk used: other jobs (plus a little kernel time)
            cpu["other"] = round(max(0.0, cpu["all"] - cpu["server"] - cpu["postgres"] - cpu["wrk"]), 2)
        r["cpu_cores"] = cpu
        errs = sum(v for k, v in r["socket_errors"].items() if k != "read")
        r["valid"] = r["rps"] is not None and r["non_2xx"] == 0 and errs == 0
        return r

    results = {}
    rounds = {}  # name -> its runs in order, for the targets measured in rounds (run.sh)
    for name, label in TARGETS:
        r = load(name, label)
        if r is None:
            runs = []
            while (run := load(f"{name}.r{len(runs) + 1}", label)) is not None:
                runs.append(run)
            if not runs:
                continue
            rounds[name] = runs
            # the table shows the run of median throughput (its latency and CPU with it)
            r = sorted(runs, key=lambda x: x["rps"] or 0)[(len(runs) - 1) // 2]
            r = dict(r, rounds=[x["rps"] for x in runs], valid=all(x["valid"] for x in runs))
        results[name] = r

    def rps(name):
        return (results.get(name) or {}).get("rps")

    def ratio(a, b):
        # measured in rounds (pairs back to back): the median of the pairs' ratios
        if a in rounds and b in rounds and len(rounds[a]) == len(rounds[b]):
            pairs = sorted(x["rps"] / y["rps"] for x, y in zip(rounds[a], rounds[b])
                           if x["rps"] and y["rps"])
            return pairs[(len(pairs) - 1) // 2] if pairs else None
        return rps(a) / rps(b) if rps(a) and rps(b) else None

    api_p99 = (results.get("api_list") or {}).get("p99_ms")
    idle_bytes = rss.get("api_idle_kb", 0) * 1024 or None
    checks = [
        ("API list / nginx static", ratio("api_list", "nginx_static"), ">=", 0.8, "x"),
        ("API list / Flask list", ratio("api_list", "flask_list"), ">=", 15.0, "x"),
        ("API list p99", api_p99, "<=", 5.0, "ms"),
        ("API search / Flask search", ratio("api_search", "flask_search"), ">=", 4.0, "x"),
        ("API RSS idle", idle_bytes / 1e6 if idle_bytes else None, "<=", 20.0, "MB"),
    ]

    # ---- print
    width = max(len(label) for _, label in TARGETS)
    print()
    print(f"{'target':<{width}}  {'req/s':>9}  {'p50':>9}  {'p99':>9}  {'bytes':>7}  "
          f"{'CPU srv/pg/wrk/other':>20}  errors")
    for name, label in TARGETS:
        r = results.get(name)
        if not r:
            print(f"{label:<{width}}  {'(not run)':>9}")
            continue
        errs = r["non_2xx"] + sum(r["socket_errors"].values())
        note = "" if r["valid"] else "  <- errors: figures not valid"
        if errs and r["valid"]:
            note = "  (read errors: connections closed by the server)"
        c = r["cpu_cores"]
        cpu = (f"{c['server']:.2f}/{c['postgres']:.2f}/{c['wrk']:.2f}/{c['other']:.2f}"
               if "other" in c else "-")
        print(f"{label:<{width}}  {r['rps'] or 0:>9.0f}  {fmt_ms(r['p50_ms']):>9}  "
              f"{fmt_ms(r['p99_ms']):>9}  {r.get('body_bytes', 0):>7}  {cpu:>20}  {errs}{note}")
    for a, b in (("api_list", "nginx_static"),):
        if a in rounds and b in rounds:
            print("rounds, API list ÷ nginx, back to back: " + ", ".join(
                f"{x['rps'] or 0:.0f} ÷ {y['rps'] or 0:.0f} = {(x['rps'] or 0) / (y['rps'] or 1):.2f}"
                for x, y in zip(rounds[a], rounds[b]))
                + " (the ratio below is their median; the table shows each target's median run)")
    print()
    target_rows = []
    for label, value, op, goal, unit in checks:
        if value is None:
            ok, shown = None, "n/a"
        else:
            ok = value >= goal if op == ">=" else value <= goal
            shown = f"{value:.2f} {unit}" if unit != "x" else f"{value:.2f}x"
        goal_s = f"{op.replace('>=', '≥').replace('<=', '≤')} {goal:g}{'x' if unit == 'x' else ' ' + unit}"
        mark = "n/a" if ok is None else verdict(ok)
        print(f"{label:<27} {shown:>10}   target {goal_s:<9} {mark}")
        target_rows.append({"check": label, "value": value, "target": f"{op} {goal:g} {unit}",
                            "ok": ok})
    print(f"(CPU: cores used during each measured run, of {meta.get('machine_cores', '?')}: server,"
          " PostgreSQL, wrk, everything else)")
    noisy = [n for n, r in results.items() if r["cpu_cores"].get("other", 0) > 0.2]
    if noisy:
        print("WARNING: other jobs used CPU during " + ", ".join(noisy)
              + ": those figures are depressed; rerun on a quiet machine")
    kib = 1024 / 1e6
    if rss:
        print()
        print(f"API RSS idle {rss.get('api_idle_kb', 0) / 1024:.1f} MiB before load, "
              f"{rss.get('api_after_kb', 0) / 1024:.1f} MiB after load; "
              f"gunicorn total (master + workers) {rss.get('gunicorn_kb', 0) / 1024:.1f} MiB; "
              f"nginx total {rss.get('nginx_kb', 0) / 1024:.1f} MiB")
    compare_txt = ""
    cpath = os.path.join(workdir, "compare.txt")
    if os.path.exists(cpath):
        with open(cpath, encoding="utf-8") as f:
            compare_txt = f.read().strip()
        print(f"baseline equivalence (API vs Flask list): {compare_txt}")

    doc = {
        "date": meta.get("date"),
        "machine": {k[8:]: v for k, v in meta.items() if k.startswith("machine_")},
        "conditions": {k[5:]: v for k, v in meta.items() if k.startswith("cond_")},
        "versions": {k[4:]: v for k, v in meta.items() if k.startswith("ver_")},
        "results": results,
        "ratios": {
            "api_list_over_nginx": ratio("api_list", "nginx_static"),
            "api_list_over_flask": ratio("api_list", "flask_list"),
            "api_search_over_flask": ratio("api_search", "flask_search"),
        },
        "rss_mb": {k.replace("_kb", ""): round(v * kib, 2) for k, v in rss.items()},
        "targets": target_rows,
        "baseline_equivalence": compare_txt,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "summary":
        return summary(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
