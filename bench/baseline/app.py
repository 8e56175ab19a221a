"""Flask baseline for the benchmark: the seed's backend, rewritten faithfully.

The seed served the shop from Flask + PostgreSQL on port 5000 with three routes
(/api/produits, /api/utilisateurs, /api/info). This app keeps that shape and reads
the same tables the real API (boutique-api) creates and seeds, so both answer from
the same rows. It is deliberately a *good* Flask app, not a straw man:
  - plain psycopg2 (no ORM), one connection per worker process, reused across
    requests (autocommit, so no BEGIN/COMMIT round trips);
  - one SELECT per request, rows turned into dicts and serialised by Flask's jsonify.
It runs under gunicorn with 2 sync workers (bench/run.sh), like the seed's container.

Environment: DATABASE_URL (libpq URI), required.
Run by hand:  DATABASE_URL=postgresql://... /usr/bin/python3 -m gunicorn -w 2 \
                  -b 127.0.0.1:5001 --chdir bench/baseline app:app
"""

import datetime
import os
import socket
import time

import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)
app.json.sort_keys = False  # keep the column order, like the API

DSN = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STARTED = time.time()
PRODUIT_COLUMNS = (
    "id, nom, categorie, prix, stock, description, image_url, created_at, updated_at"
)

_conn = None  # one connection per worker process (gunicorn forks before the first request)


def db():
    """The worker's connection, (re)opened on first use or after the server dropped it."""
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(DSN, connect_timeout=5)
        _conn.autocommit = True
    return _conn


def query(sql, params=()):
    try:
        with db().cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    except psycopg2.OperationalError:
        # Connection lost: drop it so the next request reconnects, and fail this one.
        global _conn
        _conn = None
        raise


def iso_utc(ts):
    if ts is None:
        return None
    return ts.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def produit(row):
    return {
        "id": row[0],
        "nom": row[1],
        "categorie": row[2],
        "prix": float(row[3]),  # the seed's models did float(prix); exact enough for display
        "stock": row[4],
        "description": row[5],
        "image_url": row[6],
        "created_at": iso_utc(row[7]),
        "updated_at": iso_utc(row[8]),
    }


def like_pattern(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@app.get("/api/produits")
def produits():
    q = request.args.get("q")
    if q:
        pattern = like_pattern(q)
        rows = query(
            f"SELECT {PRODUIT_COLUMNS} FROM produits"
            " WHERE nom ILIKE %s OR description ILIKE %s ORDER BY id",
            (pattern, pattern),
        )
    else:
        rows = query(f"SELECT {PRODUIT_COLUMNS} FROM produits ORDER BY id")
    return jsonify([produit(r) for r in rows])


@app.get("/api/utilisateurs")
def utilisateurs():
    rows = query("SELECT id, nom, role FROM utilisateurs ORDER BY id")
    return jsonify([{"id": r[0], "nom": r[1], "role": r[2]} for r in rows])


@app.get("/api/info")
def info():
    try:
        version = query("SHOW server_version")[0][0]
        database = "ok"
    except psycopg2.Error:
        version, database = None, "indisponible"
    return jsonify(
        {
            "nom": "boutique-flask-baseline",
            "version": "seed",
            "hostname": socket.gethostname(),
            "uptime_s": int(time.time() - STARTED),
            "database": database,
            "postgresql": version,
        }
    )
