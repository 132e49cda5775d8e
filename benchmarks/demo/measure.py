#!/usr/bin/env python3
"""Measures a running bin/itdr-demo: findings per detector and platform, actions per state and rung, the holds
and the guardrails and reasons their decisions record; then approves every hold as a second principal (an
approver token issued for "bob") with the plan digest, and verifies the ledger.

Usage: python3 benchmarks/demo/measure.py http://localhost:8080 <the admin token the demo printed>
Waits until the number of findings has not changed for a minute before it counts."""
import collections, json, sys, time, urllib.parse, urllib.request
base, token = sys.argv[1], sys.argv[2]
def call(method, path, body=None, tok=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + (tok or token), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
def all_pages(path, key=None):
    out, offset = [], 0
    while True:
        sep = "&" if "?" in path else "?"
        st, page = call("GET", f"{path}{sep}limit=500&offset={offset}")
        items = page if isinstance(page, list) else page.get(key or "items", page.get("findings", page.get("actions", [])))
        out += items
        if len(items) < 500: return out
        offset += 500
# wait until finding counts are stable for 60 s
prev, stable = -1, 0
while stable < 4:
    n = len(all_pages("/api/v1/findings"))
    stable = stable + 1 if n == prev else 0
    prev = n
    time.sleep(15)
findings = all_pages("/api/v1/findings")
print("findings", len(findings), collections.Counter(f.get("detector") for f in findings).most_common())
print("findings by platform", collections.Counter(f.get("platform") or f.get("identityKey","").split("/")[0] for f in findings).most_common())
actions = all_pages("/api/v1/actions")
print("actions", len(actions), collections.Counter((a.get("state"), a.get("plan",{}).get("request",{}).get("rung")) for a in actions).most_common())
st, v = call("GET", "/api/v1/ledger/verify")
print("ledger before the approvals", v.get("intact"), v.get("entriesChecked"))
st, holds = call("GET", "/api/v1/approvals")
if isinstance(holds, dict): holds = holds.get("items", [])
print("holds", len(holds))
for h in holds:
    st, d = call("GET", "/api/v1/decisions/" + h["decisionId"]) if h.get("decisionId") else (0, {})
    dd = (d or {}).get("decision", d) or {}
    print("  hold", h["rung"], h["identityKey"], "|", dd.get("guardrails"), "|", "; ".join(dd.get("reasons", []))[:400])
st, tok = call("POST", "/api/v1/tokens", {"name": "demo-approver", "principal": "bob", "roles": ["approver"], "reason": "demo measurement"})
approver = tok["token"]
for h in holds:
    st, r = call("POST", f"/api/v1/approvals/{urllib.parse.quote(h['actionId'], safe='')}/approve", {"reason": "demo measurement", "planDigest": h["planDigest"]}, approver)
    print("  approve", h["rung"], h["identityKey"], st, (r or {}).get("state"), (r or {}).get("detail") or "")
st, v = call("GET", "/api/v1/ledger/verify")
print("ledger after the approvals", v.get("intact"), v.get("entriesChecked"))
