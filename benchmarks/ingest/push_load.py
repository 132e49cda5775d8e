#!/usr/bin/env python3
"""Four concurrent 2,000,000-record CloudTrail pushes (gzip, built here on the fly) against a running
`itdr serve`, while /actuator/health is asked every 0.2 s and the heap read from /actuator/prometheus:
the hardening issue's "a compressed push takes the server down" measured once (not a unit test).

Usage: python3 benchmarks/ingest/push_load.py http://localhost:8080 <admin token> [pushes] [records]
       (benchmarks/ingest/run.sh starts a server and runs this against it)
Each push has ids of its own; 2M records pack to about 14 MB (gzip level 1), above the default itdr.ingest.max-payload
(10MB, refused at once on Content-Length), so run.sh raises that limit to 64MB: the pushes are read and
stopped by the unpacked, record, concurrency and backlog limits, the ones that guard memory.
Prints one JSON document: each push's status, problem type and time; health latencies (max, p50, p99,
answers slower than 1 s, and asks not answered within 5 s); heap (before, max, after); how long the backlog took to drain (at most
DRAIN_SECONDS, default 600; `waitingAtEnd` says what was left)."""
import gzip, json, multiprocessing, os, sys, tempfile, threading, time, urllib.error, urllib.request

base, token = sys.argv[1].rstrip("/"), sys.argv[2]
pushes = int(sys.argv[3]) if len(sys.argv) > 3 else 4
records = int(sys.argv[4]) if len(sys.argv) > 4 else 2_000_000

RECORD = ('{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDALOAD%(u)05d","arn":'
          '"arn:aws:iam::123456789012:user/load-%(u)d","accountId":"123456789012","accessKeyId":"AKIALOAD%(u)012d","userName":'
          '"load-%(u)d"},"eventTime":"2026-11-02T%(h)02d:%(m)02d:%(s)02dZ","eventSource":"s3.amazonaws.com","eventName":"GetObject",'
          '"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.%(ip)d","userAgent":"aws-cli/2.15.0","requestID":"req-%(run)s-%(n)d",'
          '"eventID":"evt-%(run)s-%(n)d","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}')


def build(path, run):
    """A CloudTrail log file of `records` records, gzip level 1 (fast to make here; the server unpacks any level), written
    as it is made. One workload's steady traffic: only the ids change, so 2M records pack to a few tens of MB."""
    whole = RECORD % {"u": 7, "h": 9, "m": 0, "s": 0, "ip": 7, "run": run, "n": 0}
    before, rest = whole.split("req-%s-0" % run)
    middle, after = rest.split("evt-%s-0" % run)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"Records":[')
        step = 20_000
        for start in range(0, records, step):
            part = ",".join(before + "req-" + run + "-" + str(n) + middle + "evt-" + run + "-" + str(n) + after
                            for n in range(start, min(records, start + step)))
            out.write((("," if start else "") + part).encode())
        out.write(b"]}")


def call(method, path, body=None, headers=None, timeout=600):
    req = urllib.request.Request(base + path, method=method, data=body,
                                 headers={"Authorization": "Bearer " + token, **(headers or {})})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers), time.monotonic() - started


def heap():
    st, body, _, _ = call("GET", "/actuator/prometheus", timeout=10)
    used = 0.0
    for line in body.decode().splitlines():
        if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line:
            used += float(line.rsplit(" ", 1)[1])
    return used


# PUSH_FILES: a folder to keep the built files in and take them from on the next run (same pushes and records)
tmp = os.environ.get("PUSH_FILES") or tempfile.mkdtemp(prefix="itdr-push-load-")
os.makedirs(tmp, exist_ok=True)
t = time.monotonic()
jobs = [(os.path.join(tmp, f"cloudtrail-{records}-{i}.json.gz"), f"r{records}x{i}") for i in range(pushes)]
missing = [job for job in jobs if not os.path.exists(job[0])]
with multiprocessing.Pool(max(1, min(len(missing), os.cpu_count() or 1))) as pool:
    pool.starmap(build, missing)
files = [path for path, _ in jobs]
if os.environ.get("BUILD_ONLY"):
    print(json.dumps({"built": files, "seconds": round(time.monotonic() - t, 1)}))
    sys.exit(0)
build_s = time.monotonic() - t
sizes = [os.path.getsize(f) for f in files]

health, stop = [], threading.Event()
heaps = []


def watch():
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/actuator/health", timeout=5) as r:
                ok = True
        except urllib.error.HTTPError:
            ok = True  # answered (503 while a component is DOWN, e.g. the connector's unreachable platform here)
        except Exception:
            ok = False  # no answer within 5 s
        health.append((time.monotonic() - started, ok))
        stop.wait(0.2)


def watch_heap():
    while not stop.is_set():
        try:
            heaps.append(heap())
        except Exception:
            pass
        stop.wait(1.0)


heap_before = heap()
watchers = [threading.Thread(target=watch, daemon=True), threading.Thread(target=watch_heap, daemon=True)]
for w in watchers:
    w.start()
results = [None] * pushes


def push(i):
    with open(files[i], "rb") as f:
        payload = f.read()
    started = time.monotonic()
    try:
        st, body, headers, took = call("POST", "/api/v1/ingest/aws", payload, {"Content-Type": "application/gzip"})
    except OSError as e:
        # the server answered before reading the whole body (a limit) and closed: the answer is lost with the connection
        results[i] = {"status": None, "seconds": round(time.monotonic() - started, 2), "error": type(e).__name__}
        return
    try:
        doc = json.loads(body or b"null")
    except ValueError:
        doc = {"raw": body[:200].decode(errors="replace")}
    results[i] = {"status": st, "seconds": round(took, 2), "retryAfter": headers.get("Retry-After"),
                  "type": (doc or {}).get("type"), "accepted": (doc or {}).get("accepted"), "rejected": (doc or {}).get("rejected")}


t = time.monotonic()
threads = [threading.Thread(target=push, args=(i,)) for i in range(pushes)]
for th in threads:
    th.start()
for th in threads:
    th.join()
pushes_s = time.monotonic() - t
health_during_pushes = len(health)
t = time.monotonic()
drain_limit = float(os.environ.get("DRAIN_SECONDS", "600"))
while True:
    st, body, _, _ = call("GET", "/api/v1/ingest/aws", timeout=10)
    waiting = json.loads(body)["waiting"]
    if waiting == 0 or time.monotonic() - t > drain_limit:
        break
    time.sleep(1)
drain_s = time.monotonic() - t
time.sleep(2)
stop.set()
for w in watchers:
    w.join()
lat = sorted(h[0] for h in health)


def pct(p):
    return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else None


print(json.dumps({
    "pushes": pushes, "recordsPerPush": records, "gzipBytes": sizes, "buildSeconds": round(build_s, 1),
    "results": results, "pushesSeconds": round(pushes_s, 1), "drainSeconds": round(drain_s, 1), "waitingAtEnd": waiting,
    "health": {"asked": len(health), "askedDuringPushes": health_during_pushes, "maxMs": pct(1.0), "p50Ms": pct(0.5),
               "p99Ms": pct(0.99), "over1s": sum(1 for h in health if h[0] > 1.0), "unanswered": sum(1 for h in health if not h[1])},
    "heapMiB": {"before": round(heap_before / 2**20), "max": round(max(heaps) / 2**20) if heaps else None,
                "after": round(heap() / 2**20)},
}, indent=2))
