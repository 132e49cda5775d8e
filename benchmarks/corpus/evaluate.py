#!/usr/bin/env python3
"""Detection figures on the labelled corpus from a replay's ledger: per Stratus technique and per NHI tier.

Usage: evaluate.py CORPUS.jsonl[,CORPUS.jsonl...] LEDGER.jsonl
A record is cited when a finding lists its event id ("corpus-<id>") as evidence, either in the
finding entry or in a later `finding.evidence_added` entry (an event attached to that finding as
more of it, within its open incident, without a new decision); a decision is
disruptive when its rung now or its intended (held) rung is quarantine_session or above.
"""
import json, sys, collections
corpus_files, ledger = sys.argv[1].split(','), sys.argv[2]
rec = {}
for f in corpus_files:
    for l in open(f):
        r = json.loads(l)
        p = r['provenance'][0]
        rec['corpus-' + r['id']] = dict(label=r['label'], tier=r['nhi_tier'], source=p['source'], family=p.get('rule_id'), fmt=r['format'])
findings = {}
decisions = []
added = 0
for l in open(ledger):
    e = json.loads(l)
    ev = e.get('evidence', {})
    if e['kind'] == 'finding':
        own = [x for x in ev.get('finding.events', '').split(',') if x]
        findings[ev['finding.id']] = dict(detector=ev['finding.detector'], events=list(own), own=own)
    elif e['kind'] == 'finding.evidence_added':
        f = findings.get(ev['finding.id'])
        if f is not None:
            f['events'].extend(x for x in ev.get('finding.events', '').split(',') if x)
            added += 1
    elif e['kind'] == 'decision':
        decisions.append(ev)
cited = set()
benign_only = 0
benign_only_own = 0
by_detector = collections.Counter()
for f in findings.values():
    cited.update(f['events'])
    labels = {rec[x]['label'] for x in f['events'] if x in rec}
    if labels == {'benign'}:
        benign_only += 1
    if {rec[x]['label'] for x in f['own'] if x in rec} == {'benign'}:
        benign_only_own += 1
    by_detector[f['detector'] if not f['detector'].startswith('sigma:') else 'sigma'] += 1
mal = [k for k, v in rec.items() if v['label'] == 'malicious']
ben = [k for k, v in rec.items() if v['label'] == 'benign']
print('findings:', len(findings), dict(by_detector), ' events attached as evidence:', added)
print('benign records:', len(ben), ' findings citing only benign records:', benign_only,
      f'({100*benign_only/max(1,len(ben)):.1f}% of benign records);',
      f'by the events the finding was decided on: {benign_only_own} ({100*benign_only_own/max(1,len(ben)):.1f}%)')
disruptive = {'quarantine_session', 'disable_credential', 'rotate_credential', 'disable_identity'}
bad = 0
dis = 0
for d in decisions:
    rungs = {d.get('rung.now'), d.get('rung.intended')}
    if rungs & disruptive:
        dis += 1
        f = findings.get(d.get('finding.id'))
        if f and {rec[x]['label'] for x in f['own'] if x in rec} == {'benign'}:  # what the decision rested on
            bad += 1
print('disruptive decisions (incl. held):', dis, ' resting only on benign records:', bad)
print('\nper tier (malicious records cited / malicious records):')
for tier in ('strong', 'weak', 'none'):
    m = [k for k in mal if rec[k]['tier'] == tier]
    c = [k for k in m if k in cited]
    print(f'  {tier:6} {len(c):4}/{len(m):4}  {100*len(c)/max(1,len(m)):5.1f}%')
m = [k for k in mal if rec[k]['tier'] in ('weak', 'strong')]
c = [k for k in m if k in cited]
print(f'  weak+strong {len(c)}/{len(m)} {100*len(c)/max(1,len(m)):.1f}%')
print('\nper Stratus technique (records cited / records; technique found = at least one):')
tech = collections.defaultdict(list)
for k, v in rec.items():
    if 'stratus' in v['source']:
        tech[v['family']].append(k)
found = 0
for t in sorted(tech):
    c = [k for k in tech[t] if k in cited]
    found += bool(c)
    print(f'  {"yes" if c else "NO ":3} {t:58} {len(c):3}/{len(tech[t]):3}')
print(f'techniques found: {found}/{len(tech)}')
