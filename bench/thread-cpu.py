#!/usr/bin/env python3
"""CPU of a command's whole process tree, per process kind and thread, from /proc.

    python3 bench/thread-cpu.py OUT.json -- npx vitest run test/web/layouts.test.ts

Runs the command and, every 0.25 s until it ends, reads utime + stime of every thread of every
process under it (/proc/PID/task/TID/stat). A thread's last reading is its CPU, so processes that
outlive their parent (the test Chromium's renderers, GPU and utility processes) and threads that
end before the command count too, which getrusage's children figure (/usr/bin/time) misses, and a
thread's figure says where the time went: the renderer's main thread, V8's background compilers,
the GPU process, the vitest processes. What a thread uses after its last reading (at most 0.25 s
of it) is not counted. Prints wall, total and CPU by process kind; OUT.json has
the per-thread figures as well. The "Ninth session" browser parts of docs/benchmarks.md were
measured with it. Linux only; Python so that it costs the measured machine next to nothing.
"""
import collections
import json
import os
import re
import subprocess
import sys
import time

out = sys.argv[1]
cmd = sys.argv[3:]
HZ = os.sysconf('SC_CLK_TCK')
p = subprocess.Popen(cmd)
root = p.pid
seen = {}  # (pid,tid) -> (ticks, pcomm, tcomm, cmdline_class)
def children_map():
    m = collections.defaultdict(list)
    for d in os.listdir('/proc'):
        if not d.isdigit(): continue
        try:
            s = open(f'/proc/{d}/stat').read()
            ppid = int(s.rsplit(')',1)[1].split()[1])
            m[ppid].append(int(d))
        except Exception: pass
    return m
def classify(pid):
    try: c = open(f'/proc/{pid}/cmdline','rb').read().split(b'\0')
    except Exception: return '?'
    c = [x.decode(errors='replace') for x in c]
    s = ' '.join(c)
    c = s.split()
    if not c: return '?'
    if 'chrom' in c[0] or (len(c)>1 and 'chromium' in c[1]):
        for a in c:
            if a.startswith('--type='): 
                t = a[7:]
                if t=='utility':
                    for b in c:
                        if b.startswith('--utility-sub-type='): return 'chromium:'+b.split('.')[-1]
                return 'chromium:'+t
        return 'chromium:browser'
    if 'node' in c[0] or 'tsx' in s:
        if 'vitest' in s and 'forks' in s: return 'node:vitest-fork'
        if 'vitest' in s: return 'node:vitest-main'
        return 'node:'+(' '.join(c[1:3]))[:60]
    return os.path.basename(c[0])
def sample():
    m = children_map()
    stack=[root]; pids=[]
    while stack:
        x=stack.pop(); pids.append(x); stack.extend(m.get(x,[]))
    for pid in pids:
        cls = None
        try: tids = os.listdir(f'/proc/{pid}/task')
        except Exception: continue
        for tid in tids:
            try:
                s = open(f'/proc/{pid}/task/{tid}/stat').read()
                name = s[s.index('(')+1:s.rindex(')')]
                f = s.rsplit(')',1)[1].split()
                ticks = int(f[11])+int(f[12])
            except Exception: continue
            key=(pid,int(tid))
            if key not in seen or seen[key][1] in ('sh','env','chromium:zygote'):
                if cls is None: cls = classify(pid)
                seen[key]=[ticks,cls,name]
                if seen[key][1] in ('sh','env','chromium:zygote'): seen[key][1]=classify(pid)
            else: seen[key][0]=ticks
t0=time.time()
while p.poll() is None:
    sample(); time.sleep(0.25)
wall=time.time()-t0
agg = collections.defaultdict(float)
for (pid,tid),(ticks,cls,name) in seen.items():
    tn = re.sub(r'\d+', '#', name)
    agg[(cls,tn)] += ticks/HZ
bycls = collections.defaultdict(float)
for (c,t),v in agg.items(): bycls[c]+=v
res = {'wall':wall,'total':sum(bycls.values()),'byclass':dict(sorted(bycls.items(),key=lambda x:-x[1])),
       'bythread':{f'{c} | {t}':round(v,1) for (c,t),v in sorted(agg.items(),key=lambda x:-x[1]) if v>=0.3}}
json.dump(res, open(out,'w'), indent=1)
print(json.dumps({k:res[k] for k in ('wall','total','byclass')}, indent=1))
sys.exit(p.returncode)
