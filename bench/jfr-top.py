#!/usr/bin/env python3
"""Where a flight recording's samples went: threads, top frames (self), packages and inclusive frames.

usage: bench/jfr-top.py file.jfr [event] [n] [thread-name-part] [--from=HH:MM:SS] [--to=HH:MM:SS]
  event: jdk.ExecutionSample (CPU, default) or jdk.ObjectAllocationSample (weighted by bytes)
  e.g.   HUB_JFR=/tmp/hub.jfr bench/run NodeRedSideBySideBench 10000 3 --hub-only
         bench/jfr-top.py /tmp/hub.jfr jdk.ExecutionSample 40 lane     # the MQTT input's lanes only
The recording includes the hub's start-up (thread "main"): leave it out when comparing per-event costs.
--from/--to keep the samples taken in that window of the recording's clock (UTC, as the bench prints its phases),
e.g. only RoutingCostBench's loaded phases of a recording that also holds the warm-up bursts."""
import sys, subprocess, re, collections
window = {k: v for k, v in (a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--'))}
sys.argv = [a for a in sys.argv if not a.startswith('--')]
f = sys.argv[1]; ev = sys.argv[2] if len(sys.argv) > 2 else 'jdk.ExecutionSample'
n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
thr = sys.argv[4] if len(sys.argv) > 4 else None
out = subprocess.run(['jfr', 'print', '--stack-depth', '200', '--events', ev, f], capture_output=True, text=True).stdout
selfc = collections.Counter(); incl = collections.Counter(); pkg = collections.Counter(); threads = collections.Counter()
total = 0
for block in out.split('\n}\n'):
    if 'stackTrace' not in block: continue
    m = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', block)
    t = m.group(1) if m else '?'
    if thr and thr not in t: continue
    if window:
        ms = re.search(r'startTime = (\d\d:\d\d:\d\d)', block)
        if not ms or ms.group(1) < window.get('from', '00:00:00') or ms.group(1) > window.get('to', '99:99:99'):
            continue
    w = 1
    if 'ObjectAllocationSample' in ev:
        mw = re.search(r'weight = ([\d.]+) (\w+)', block)
        if mw:
            v = float(mw.group(1)); u = mw.group(2)
            w = v * {'bytes':1,'kB':1e3,'MB':1e6,'GB':1e9}.get(u, 1)
    frames = re.findall(r'^\s+([\w$./<>]+\.[\w$<>]+)\(', block.split('stackTrace = [',1)[1], re.M)
    if not frames: continue
    total += w
    threads[re.sub(r'\d+', '#', t)] += w
    selfc[frames[0]] += w
    for fr in set(frames): incl[fr] += w
    # first frame in io.visionhub / or package of top
    pk = '.'.join(frames[0].split('.')[:3])
    pkg[pk] += w
def show(title, c):
    print(f'--- {title} (total {total:.0f})')
    for k, v in c.most_common(n): print(f'{100*v/total:6.2f}%  {k}')
show('threads', threads); show('self', selfc); show('self by package', pkg); show('inclusive', incl)
