#!/usr/bin/env python3
"""What the JIT did per minute, from a HotSpot -Xlog:jit+compilation=debug log with time decorations (issue 21).

usage: bench/jit-log.py comp.log [from-HH:MM]
  e.g. HUB_JVM_OPTS='-Xlog:jit+compilation=debug:file=/tmp/comp.log:time,uptime' \\
           bench/run NodeRedSideBySideBench 10000 3 --hub-only
       bench/jit-log.py /tmp/comp.log
Per minute: compilations by tier (1-3 C1, 4 C2; tier 2 is C1 with light profiling, used while the C2 queue is
long), methods compiled again at a tier they already had (after deoptimisation or cold flushing), nmethods made
not entrant by tier (a tier-3 one when its tier-4 replaces it is normal; a tier-4 one is a deoptimisation or a
dependency broken by a class loaded later) and zombies (reclaimed by the sweeper). Then where the last minutes'
compilations come from: first compilations of a method, a higher tier of a known one, or a method compiled at
tier 4 before (a loop of deoptimisations shows as many of these, on the same methods)."""
import sys, re, collections
log = sys.argv[1]; start = sys.argv[2] if len(sys.argv) > 2 else ''
line = re.compile(r'\[([^\]]+)\]\[([\d.]+)s\]\s+(\d+)\s+(.{0,6}?)\s*(\d)\s+(\S+::\S+)')
tiers = collections.defaultdict(set); history = collections.defaultdict(list)
per = collections.OrderedDict()
for l in open(log):
    m = line.match(l)
    if not m: continue
    minute, tier, method = m.group(1)[11:16], int(m.group(5)), m.group(6)
    w = per.setdefault(minute, collections.Counter())
    if 'made not entrant' in l: w['NE%d' % tier] += 1; continue
    if 'made zombie' in l: w['zombie'] += 1; continue
    w['comp'] += 1; w['t%d' % tier] += 1
    if tier in tiers[method]: w['again'] += 1
    kind = 'after an earlier tier 4' if 4 in tiers[method] else ('higher tier' if tiers[method] else 'first')
    history[minute].append((kind, method))
    tiers[method].add(tier)
cols = ['comp', 't1', 't2', 't3', 't4', 'again', 'NE2', 'NE3', 'NE4', 'zombie']
print('minute ', ' '.join('%6s' % c for c in cols))
for k, v in per.items():
    if k >= start: print(k, ' ', ' '.join('%6d' % v[c] for c in cols))
last = list(per)[-4:-1] if len(per) > 3 else list(per)
kinds = collections.Counter(); again = collections.Counter()
for k in last:
    for kind, method in history[k]:
        kinds[kind] += 1
        if kind == 'after an earlier tier 4': again[method] += 1
print('minutes %s: compilations %s' % (','.join(last), dict(kinds)))
print('compiled again after an earlier tier 4:', again.most_common(15))
