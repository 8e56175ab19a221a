#!/usr/bin/python3
"""HTTP clients of bench/faults.sh (standard library only; loopback).

inflight      opens N keep-alive connections, sends one request on each (searches and orders,
              each fully written), signals the API with SIGTERM, then reads every response and
              times the process's exit. Prints key=value lines.
retry-orders  T threads place orders (1 unit each) with an Idempotency-Key, retrying the same key
              on any transport error or 5xx until a 2xx, until the stop file appears. Writes
              "id key attempts" per acknowledged order, prints key=value lines.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import threading
import time
import uuid


def monotonic_ms():
    return time.monotonic() * 1000.0


def recv_some(sock, deadline):
    """The next bytes before the deadline; None on timeout, error or end of stream."""
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return sock.recv(65536) or None
    except (socket.timeout, OSError):
        return None


def read_response(sock, deadline):
    """One HTTP/1.1 response framed by Content-Length; (status, head, body) or None."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = recv_some(sock, deadline)
        if not chunk:
            return None
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = recv_some(sock, deadline)
        if not chunk:
            return None
        body += chunk
    return status, lines, body[:length]


def request_bytes(method, path, token=None, body=None, extra=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    lines.extend(extra)
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def process_gone(pid):
    """True once pid has exited (zombie or reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def inflight(args):
    conns = []
    for _ in range(args.n):
        s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
        s.sendall(request_bytes("GET", "/healthz"))
        r = read_response(s, time.monotonic() + 5)
        if not r or r[0] != 200:
            raise SystemExit("inflight: a warm-up GET /healthz failed")
        conns.append(s)
    reqs = []
    for i in range(args.n):
        if i % 2 == 0:
            reqs.append(("search", request_bytes("GET", f"/api/produits?par_page=100&q={uuid.uuid4().hex[:6]}")))
        else:
            reqs.append(("order", request_bytes(
                "POST", "/api/commandes", args.token,
                {"lignes": [{"produit_id": args.product, "quantite": 1}]},
                [f"Idempotency-Key: inflight-{uuid.uuid4()}"])))
    for s, (_, data) in zip(conns, reqs):
        s.sendall(data)
    t_signal = monotonic_ms()
    os.kill(args.pid, signal.SIGTERM)
    answered, statuses, ids = 0, {}, []
    deadline = time.monotonic() + 5
    for s, (kind, _) in zip(conns, reqs):
        r = read_response(s, deadline)
        if r is None:
            statuses["none"] = statuses.get("none", 0) + 1
            continue
        answered += 1
        statuses[r[0]] = statuses.get(r[0], 0) + 1
        if kind == "order" and r[0] == 201:
            ids.append(json.loads(r[2])["id"])
    exit_ms = None
    while monotonic_ms() - t_signal < 10000:
        if process_gone(args.pid):
            exit_ms = monotonic_ms() - t_signal
            break
        time.sleep(0.005)
    with open(args.ids, "w") as f:
        f.writelines(f"{i}\n" for i in ids)
    print(f"inflight_sent={args.n}")
    print(f"inflight_answered={answered}")
    print("inflight_statuses=" + ",".join(f"{k}:{v}" for k, v in sorted(statuses.items(), key=str)))
    print(f"inflight_orders_acknowledged={len(ids)}")
    print(f"sigterm_exit_ms={'never' if exit_ms is None else round(exit_ms)}")


def retry_orders(args):
    products = [int(p) for p in args.products.split(",")]
    host, port = args.base.split("//")[1].split(":")
    lock = threading.Lock()
    acked, stats = [], {"attempts": 0, "retries": 0, "transport_errors": 0, "gave_up": 0,
                   "unexpected": 0}
    status_counts = {}
    started = time.monotonic()

    def worker(n):
        rnd = random.Random(n)
        conn = None
        while not os.path.exists(args.stop_file) and time.monotonic() - started < args.max_seconds:
            key = f"retry-{uuid.uuid4()}"
            body = json.dumps({"lignes": [{"produit_id": rnd.choice(products), "quantite": 1}]})
            attempts = 0
            while True:
                attempts += 1
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(host, int(port), timeout=5)
                    conn.request("POST", "/api/commandes", body, {
                        "Authorization": f"Bearer {args.token}", "Content-Type": "application/json",
                        "Idempotency-Key": key})
                    resp = conn.getresponse()
                    data = resp.read()
                    with lock:
                        status_counts[resp.status] = status_counts.get(resp.status, 0) + 1
                    if resp.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    if 200 <= resp.status < 300:
                        with lock:
                            acked.append((json.loads(data)["id"], key, attempts))
                        break
                    if resp.status < 500:  # a 4xx is not retried: the request itself is wrong
                        with lock:
                            stats["unexpected"] += 1
                        break
                except (OSError, http.client.HTTPException):
                    with lock:
                        stats["transport_errors"] += 1
                    if conn is not None:
                        conn.close()
                    conn = None
                if time.monotonic() - started > args.max_seconds:
                    with lock:
                        stats["gave_up"] += 1
                    return
                time.sleep(0.05)  # retry pacing: a real client backs off too
            with lock:
                stats["attempts"] += attempts
                stats["retries"] += attempts - 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w") as f:
        f.writelines(f"{i} {k} {a}\n" for i, k, a in acked)
    print(f"orders_acknowledged={len(acked)}")
    print(f"orders_retried={sum(1 for a in acked if a[2] > 1)}")
    for k, v in stats.items():
        print(f"client_{k}={v}")
    print("client_statuses=" + ",".join(f"{k}:{v}" for k, v in sorted(status_counts.items())))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("inflight")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--pid", type=int, required=True)
    a.add_argument("--token", required=True)
    a.add_argument("--product", type=int, required=True)
    a.add_argument("--n", type=int, default=32)
    a.add_argument("--ids", required=True)
    b = sub.add_parser("retry-orders")
    b.add_argument("--base", required=True)
    b.add_argument("--token", required=True)
    b.add_argument("--products", required=True)
    b.add_argument("--threads", type=int, default=4)
    b.add_argument("--stop-file", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--max-seconds", type=float, default=180)
    args = p.parse_args()
    inflight(args) if args.cmd == "inflight" else retry_orders(args)


if __name__ == "__main__":
    main()
