#!/usr/bin/env bash
# bench-report.sh — run the benchmarks that have a baseline measured in the same run and
# write BENCHMARKS.md: each figure, its baseline, the ratio, the machine and the date.
#
#   scripts/bench-report.sh [out.md]        (default BENCHMARKS.md)
#
# Env: BENCHTIME (default 1s) for the micro-benchmarks, LOADN2K / LOADN10K record counts
# for the end-to-end load runs (default 10000x / 30000x), GO (default go). A full run adds
# (LOAD_TOOL=0 leaves out) the `umsim load` runs against a real `umli run` (BenchmarkLoadTool in cmd/umsim): issue 16's
# two rows (--rate 500 and --rate 2500, --mix um=100, 15 s) and the mixed row (--rate 50, every
# kind), each with the load average before it, into proof/bench/bench-load-raw.txt;
# LOAD_ROWS="rate:mix:duration ..." replaces that list. ONLY=load reruns just those rows
# (`make bench-load`) and rewrites the report from the raw files.
# BenchmarkMediation also runs in the previous release, BASELINE_REF (default 7c023a6, main
# before issue 16's work), built in a temporary git worktree: MED_ROUNDS (default 3) rounds
# of baseline then tree, back to back; the report shows the medians and the ratio of records
# per CPU-second (records / (Go CPU + redis-server CPU)). ONLY=mediation reruns just that
# pair (`make bench-mediation`) and rewrites the report from the raw files.
# ONLY=before (`make bench-before`) runs the micro-benchmarks of the first table in BEFORE_REF
# (default 7c023a6, main before issue 19's restructuring) and in this tree, each package's two
# test binaries alternately, BEFORE_ROUNDS (default 3) rounds, into proof/bench/bench-before-raw.txt;
# the report then shows each figure's median before and after, and their ratio.
# Raw `go test -bench` output is kept in proof/bench/bench-raw.txt,
# proof/bench/bench-mediation-raw.txt and proof/bench/bench-before-raw.txt (the report cites them).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
OUT=${1:-BENCHMARKS.md}
BT=${BENCHTIME:-1s}
RAW=proof/bench/bench-raw.txt
MEDRAW=proof/bench/bench-mediation-raw.txt
LOADRAW=proof/bench/bench-load-raw.txt
BEFORERAW=proof/bench/bench-before-raw.txt
BASELINE_REF=${BASELINE_REF:-7c023a6}
BEFORE_REF=${BEFORE_REF:-7c023a6}

run() { # package, benchmark regexp, benchtime
	echo "== $1 $2" >&2
	if ! $GO test -run '^$' -bench "$2" -benchmem -count 1 -benchtime "$3" "$1" 2>&1 | tee -a "$RAW" >&2; then
		echo "FAILED: $1 $2" | tee -a "$RAW" >&2
	fi
}

# mediation_pair: BenchmarkMediation of BASELINE_REF (its own benchmark, in a temporary
# worktree) and of this tree, alternately, into $MEDRAW; the baseline's lines are renamed
# BenchmarkMediationBaseline.
mediation_pair() {
	local rev bt wt
	bt=${MED_BENCHTIME:-30000x}
	wt=$(mktemp -d /tmp/umli-baseline.XXXXXX)
	MED_WT=$wt
	rev=$(git rev-parse --short "$BASELINE_REF")
	git worktree add --detach "$wt" "$BASELINE_REF" >&2
	trap 'git worktree remove --force "$MED_WT" >/dev/null 2>&1 || true' EXIT
	local dirty=""
	git diff --quiet HEAD -- . ':!proof/bench' ':!BENCHMARKS.md' || dirty="+uncommitted changes"
	: >"$MEDRAW"
	echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); baseline $BASELINE_REF ($rev), tree $(git rev-parse --short HEAD)$dirty" >>"$MEDRAW"
	(cd "$wt" && $GO test -c -o "$wt/med-baseline.test" ./mediation) >&2
	$GO test -c -o "$wt/med-tree.test" ./mediation >&2
	for r in $(seq "${MED_ROUNDS:-3}"); do
		echo "== round $r: baseline $rev" >&2
		(cd "$wt/mediation" && "$wt/med-baseline.test" -test.run '^$' -test.bench 'BenchmarkMediation$' -test.benchmem -test.count 1 -test.benchtime "$bt") 2>&1 |
			sed 's/^BenchmarkMediation\b/BenchmarkMediationBaseline/' | tee -a "$MEDRAW" >&2
		echo "== round $r: tree" >&2
		(cd mediation && "$wt/med-tree.test" -test.run '^$' -test.bench 'BenchmarkMediation$' -test.benchmem -test.count 1 -test.benchtime "$bt") 2>&1 | tee -a "$MEDRAW" >&2
	done
	echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$MEDRAW"
	git worktree remove --force "$wt" >&2
}

# load_rows: one BenchmarkLoadTool run per row, renamed BenchmarkLoadTool/<rate>/<mix>, each
# after a "# load average" line, into $LOADRAW. One test binary serves every row.
load_rows() {
	local bin row rate mix dur
	bin=$(mktemp -d /tmp/umli-load.XXXXXX)
	$GO test -c -o "$bin/umsim.test" ./cmd/umsim >&2
	: >"$LOADRAW"
	for row in ${LOAD_ROWS:-500:um=100:15s 2500:um=100:15s 50:um=70,sip=10,mail=10,imap=10:10s}; do
		IFS=: read -r rate mix dur <<<"$row"
		echo "== umsim load --rate $rate --mix $mix --duration $dur" >&2
		echo "# load average before BenchmarkLoadTool/$rate/$mix: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOADRAW"
		if ! (cd cmd/umsim && LOAD_RATE=$rate LOAD_MIX=$mix LOAD_DURATION=$dur "$bin/umsim.test" \
			-test.run '^$' -test.bench 'BenchmarkLoadTool$' -test.benchtime 1x) 2>&1 |
			sed "s|^BenchmarkLoadTool\b|BenchmarkLoadTool/$rate/$mix|" | tee -a "$LOADRAW" >&2; then
			echo "FAILED: umsim load --rate $rate --mix $mix" | tee -a "$LOADRAW" >&2
		fi
	done
	rm -rf "$bin"
}

# before_after: the first table's micro-benchmarks in BEFORE_REF (a temporary worktree) and in
# this tree, alternately per package, into $BEFORERAW; the before lines are renamed
# Before/<name>. A benchmark only one side has shows "—" on the other.
before_after() {
	local rev wt pkg re bt name r
	wt=$(mktemp -d /tmp/umli-before.XXXXXX)
	BEFORE_WT=$wt
	rev=$(git rev-parse --short "$BEFORE_REF")
	git worktree add --detach "$wt" "$BEFORE_REF" >&2
	trap 'git worktree remove --force "$BEFORE_WT" >/dev/null 2>&1 || true' EXIT
	: >"$BEFORERAW"
	echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); before $BEFORE_REF ($rev), tree $(git rev-parse --short HEAD)" >>"$BEFORERAW"
	for spec in "mediation/etsi|EncodeMessagingIRI|DecodeMixed|$BT" "mediation/session|SessionStep|$BT" \
		"handover|WriterTCP|BareConnTCP|WriterTLS|BareConnTLS|$BT" "rtpcapture|RTPPath|$BT" \
		"umsys/translate|ParseTranslateESL|ParseTranslateAMI|ParseOnlyESL|TranslateESL|$BT" "email/proxy|.|3x"; do
		pkg=${spec%%|*}
		bt=${spec##*|}
		re=${spec#*|}
		re=${re%|*}
		name=${pkg//\//_}
		(cd "$wt" && $GO test -c -o "$wt/$name.before.test" "./$pkg") >&2
		$GO test -c -o "$wt/$name.tree.test" "./$pkg" >&2
		for r in $(seq "${BEFORE_ROUNDS:-3}"); do
			echo "== $pkg round $r: before $rev" >&2
			echo "pkg: github.com/umli/umli/$pkg" >>"$BEFORERAW"
			(cd "$wt/$pkg" && "$wt/$name.before.test" -test.run '^$' -test.bench "$re" -test.benchmem -test.count 1 -test.benchtime "$bt") 2>&1 |
				sed 's/^Benchmark/Before\/Benchmark/' | tee -a "$BEFORERAW" >&2 || echo "FAILED: before $pkg" >>"$BEFORERAW"
			echo "== $pkg round $r: tree" >&2
			(cd "$pkg" && "$wt/$name.tree.test" -test.run '^$' -test.bench "$re" -test.benchmem -test.count 1 -test.benchtime "$bt") 2>&1 |
				tee -a "$BEFORERAW" >&2 || echo "FAILED: tree $pkg" >>"$BEFORERAW"
		done
	done
	echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$BEFORERAW"
	git worktree remove --force "$wt" >&2
}

if [ "${ONLY:-}" = mediation ]; then
	mediation_pair
elif [ "${ONLY:-}" = before ]; then
	before_after
elif [ "${ONLY:-}" = load ]; then
	load_rows
elif [ -z "${REPORT_ONLY:-}" ]; then # REPORT_ONLY=1: rewrite the report from proof/bench/bench-raw.txt
mediation_pair
: >"$RAW"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${BENCH_NOTE:+; $BENCH_NOTE}" >>"$RAW"
run ./mediation/etsi 'EncodeMessagingIRI|DecodeMixed' "$BT"
run ./mediation/session 'SessionStep' "$BT"
run ./handover 'WriterTCP|BareConnTCP|WriterTLS|BareConnTLS' "$BT"
run ./rtpcapture 'RTPPath' "$BT"
run ./umsys/translate 'ParseTranslateESL|ParseTranslateAMI|ParseOnlyESL|TranslateESL' "$BT"
run ./email/proxy '.' 3x
run ./proof/load 'Load2k$' "${LOADN2K:-10000x}"
run ./proof/load 'Load10k$' "${LOADN10K:-30000x}"
if [ "${LOAD_TOOL:-1}" != 0 ]; then # LOAD_TOOL=0 leaves the umsim load rows out
	load_rows
fi
fi

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
python3 - "$RAW" "$OUT" "$(nproc)" "$CPU" "$(date -u +%Y-%m-%dT%H:%MZ)" "$($GO version)" "$MEDRAW" "$LOADRAW" "$BEFORERAW" <<'PY'
import re, statistics, sys
raw, out, ncpu, cpu, date, gover, medraw, loadraw, beforeraw = sys.argv[1:10]
load = next((l[len("# load average at start: "):].strip() for l in open(raw) if l.startswith("# load average at start: ")), "not recorded")
res, failed, pkg, pending = {}, [], "", None
def parse(name, rest):
    rest = rest.split()
    res[name] = (pkg, {rest[i + 1]: float(rest[i]) for i in range(0, len(rest) - 1, 2)})
for line in open(raw):
    if line.startswith("pkg: "):
        pkg = line.split()[1].replace("github.com/umli/umli/", "")
    if line.startswith("FAILED:") or line.startswith("--- FAIL"):
        failed.append(line.strip())
    m = re.match(r"^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$", line)
    if m:
        parse(m.group(1), m.group(4))
        pending = None
        continue
    # A benchmark whose setup logged (redis-server) has its figures on a later line.
    m = re.match(r"^(Benchmark\S+?)(-\d+)?\s", line)
    if m and "FAIL" not in line:
        pending = m.group(1)
        continue
    m = re.match(r"^\s*\d+\s+([\d.]+ \S+.*)$", line)
    if m and pending:
        parse(pending, m.group(1))
        pending = None

# The umsim load rows: figures per row, with the load average before each.
loadtool, before = [], "not recorded"
try:
    for line in open(loadraw):
        m = re.match(r"^# load average before (\S+): (.*)$", line)
        if m:
            before = m.group(2).strip()  # belongs to the row that follows it
        if line.startswith("FAILED:") or line.startswith("--- FAIL"):
            failed.append("umsim load: " + line.strip())
        m = re.match(r"^(BenchmarkLoadTool/\S+?)(-\d+)?\s+(\d+)\s+(.*)$", line)
        if m:
            rest = m.group(4).split()
            loadtool.append((m.group(1), {rest[i + 1]: float(rest[i]) for i in range(0, len(rest) - 1, 2)}, before))
            before = "not recorded"
except FileNotFoundError:
    pass

def figures(rest):
    rest = rest.split()
    return {rest[i + 1]: float(rest[i]) for i in range(0, len(rest) - 1, 2)}

def read_rounds(path, name, label):
    """Every round's figures per benchmark (a benchmark whose setup logged has them on a
    later line), with the load averages at start and end; failures go to failed."""
    rounds, start, end, pending = {}, "not recorded", "", None
    try:
        for line in open(path):
            if line.startswith("# load average at start: "):
                start = line[len("# load average at start: "):].strip()
            if line.startswith("# load average at end: "):
                end = line[len("# load average at end: "):].strip()
            if line.startswith("FAIL") or line.startswith("--- FAIL"):
                failed.append(label + ": " + line.strip())
            m = re.match(r"^(" + name + r")(-\d+)?\s+(\d+)\s+(.*)$", line)
            if m:
                rounds.setdefault(m.group(1), []).append(figures(m.group(4)))
                pending = None
                continue
            m = re.match(r"^(" + name + r")(-\d+)?\s", line)
            if m and "FAIL" not in line:
                pending = m.group(1)
                continue
            m = re.match(r"^\s*\d+\s+([\d.]+ \S+.*)$", line)
            if m and pending:
                rounds.setdefault(pending, []).append(figures(m.group(1)))
                pending = None
    except FileNotFoundError:
        pass
    return rounds, start, end

# The mediation pair and the before/after pair: every round's figures, medians reported.
med, medload, medend = read_rounds(medraw, r"BenchmarkMediation\S*?", "mediation pair")
ba, bahead, baend = read_rounds(beforeraw, r"(?:Before/)?Benchmark\S+?", "before/after")
bahead = "" if bahead == "not recorded" else bahead

def bamed(name, unit):
    xs = [r[unit] for r in ba.get(name, []) if unit in r]
    return statistics.median(xs) if xs else None

def medstat(name, unit):
    xs = [r[unit] for r in med.get(name, []) if unit in r]
    return statistics.median(xs) if xs else None

def percpu(name):
    # records per CPU-second, per round, then the median
    xs = [1e6 / (r["go-cpu-µs/record"] + r["redis-cpu-µs/record"]) for r in med.get(name, [])
          if "go-cpu-µs/record" in r and "redis-cpu-µs/record" in r]
    return statistics.median(xs) if xs else None

def get(name, unit):
    v = res.get(name)
    return None if v is None else v[1].get(unit)

def fmt(x, unit):
    if x is None:
        return "—"
    if unit.endswith("ns/op"):
        return f"{x/1000:.2f} µs" if x >= 1000 else f"{x:.0f} ns"
    if abs(x) >= 1000:
        return f"{x:,.0f} {unit}"
    return f"{x:.3g} {unit}"

# figure, unit, baseline, unit, higher-is-better, target
pairs = [
    ("BenchmarkEncodeMessagingIRI/AppendBER", "ns/op", "BenchmarkEncodeMessagingIRIGoASN1BER", "ns/op", False, "≤ 1 µs"),
    ("BenchmarkEncodeMessagingIRI/HeaderTemplate", "ns/op", "BenchmarkEncodeMessagingIRIGoASN1BER", "ns/op", False, "≤ 1 µs"),
    ("BenchmarkDecodeMixed", "ns/op", "BenchmarkDecodeMixedGoASN1BER", "ns/op", False, ""),
    ("BenchmarkSessionStep/single", "records/s", "BenchmarkSessionStep/single", "incr/s", True, "≥ 70% of incr"),
    ("BenchmarkSessionStep/batched", "records/s", "BenchmarkSessionStep/batched", "incr/s", True, "≥ 50k/s with Redis"),
    ("BenchmarkWriterTCP", "MB/s", "BenchmarkBareConnTCP", "MB/s", True, "≥ 80% of raw TCP"),
    ("BenchmarkWriterTLS", "MB/s", "BenchmarkBareConnTLS", "MB/s", True, ""),
    ("BenchmarkRTPPath/ratio", "pipeline_pkts/s", "BenchmarkRTPPath/ratio", "bare_pkts/s", True, "≥ 2,000 G.711 legs/core (100k pkts/s)"),
    ("BenchmarkRTPPath/ratio-reuse", "pipeline_pkts/s", "BenchmarkRTPPath/ratio-reuse", "bare_pkts/s", True, "≥ 2,000 G.711 legs/core (100k pkts/s)"),
    ("BenchmarkRTPPath/ratio-release", "pipeline_pkts/s", "BenchmarkRTPPath/ratio-release", "bare_pkts/s", True, "≥ 50% of bare pion/rtp"),
    ("BenchmarkRTPPath/ratio-floor", "floor_pkts/s", "BenchmarkRTPPath/ratio-floor", "bare_pkts/s", True, "ceiling: payload copy only"),
    ("BenchmarkParseTranslateESL", "events/cpu-s", "BenchmarkParseOnlyESL", "events/cpu-s", True, "≥ 200k/s/core"),
    ("BenchmarkParseTranslateAMI", "events/cpu-s", None, None, True, "≥ 200k/s/core"),
    ("BenchmarkMediation", "records/s", None, None, True, "≥ 50k/s with Redis"),
]
for n in sorted(res):
    if n.startswith("BenchmarkSMTPData") or n.startswith("BenchmarkIMAPFetch"):
        pairs.append((n, "proxy-MB/s", n, "direct-MB/s", True, "direct mail throughput"))

seen_ba = set()
for n in sorted(set(k.removeprefix("Before/") for k in ba)):
    if (n.startswith("BenchmarkSMTPData") or n.startswith("BenchmarkIMAPFetch")) and not any(p[0] == n for p in pairs):
        pairs.append((n, "proxy-MB/s", n, "direct-MB/s", True, "direct mail throughput"))
rows = []
for f, fu, b, bu, higher, target in pairs:
    if f not in res:
        continue
    fv = get(f, fu)
    bv = get(b, bu) if b else None
    ratio = "—"
    if fv and bv:
        r = fv / bv if higher else bv / fv
        ratio = f"{r:.2f}×" if not higher else f"{100*r:.0f}%"
    rows.append(f"| {res[f][0]} | `{f[9:]}` | {fmt(fv, fu)} | {('`'+b[9:]+'` '+fmt(bv, bu)) if b else '—'} | {ratio} | {target} |")

lat = []
for n in ("BenchmarkLoad2k", "BenchmarkLoad10k"):
    if n in res:
        v = res[n][1]
        lat.append(f"| {n[13:]} | {v.get('offered/s', 0):,.0f} | {v.get('delivered/s', 0):,.0f} | {v.get('p50-ms', 0):.2f} | {v.get('p99-ms', 0):.2f} | {v.get('max-ms', 0):.2f} |")

with open(out, "w") as o:
    o.write(f"""# Benchmarks

Generated by `scripts/bench-report.sh` on {date}.
Machine: {ncpu} cores, {cpu}; {gover}.
Load average when the run started: {load}. On a shared or small machine absolute figures
are pessimistic and noisy; the ratios, whose two sides ran back to back in the same
process, are the meaningful part.
One run each (`-count 1`, short `-benchtime`); raw output in `proof/bench/bench-raw.txt`.

## Figures beside their baselines

Ratio: for times, baseline time ÷ figure time (above 1× = faster than the baseline);
for rates, figure ÷ baseline.

| package | figure | value | baseline (same run) | ratio | target |
|---|---|---|---|---|---|
""")
    o.write("\n".join(rows) + "\n")
    if ba:
        o.write(f"""
## Before and after the restructuring (issue 19)

The first table's figures in {bahead.split("; ", 1)[-1]}: each package's two test binaries built side
by side (before from its own commit in a temporary worktree) and run alternately, {max(len(v) for v in ba.values())} rounds;
medians. Load average: {bahead.split("; ", 1)[0]} at the start, {baend or "not recorded"} at the end.
Ratio: after ÷ before for rates, before ÷ after for times (above 1× = the tree is faster).
Rounds: the lowest and highest round of each side. Verdict: "faster" or "slower" where every
round of one side beats every round of the other, else "within noise" (the ranges overlap).
Raw output in `proof/bench/bench-before-raw.txt`.

| figure | before | after | ratio | before's rounds | after's rounds | verdict |
|---|---|---|---|---|---|---|
""")
        for f, fu, b, bu, higher, target in pairs:
            for name, unit in ((f, fu), (b, bu)):
                if not name or (name, unit) in seen_ba:
                    continue
                seen_ba.add((name, unit))
                bv, av = bamed("Before/" + name, unit), bamed(name, unit)
                if bv is None and av is None:
                    continue
                ratio = "—" if not bv or not av else (f"{av/bv:.2f}×" if higher else f"{bv/av:.2f}×")
                bx = [r[unit] for r in ba.get("Before/" + name, []) if unit in r]
                ax = [r[unit] for r in ba.get(name, []) if unit in r]
                def spread(xs):
                    return "—" if not xs else f"{fmt(min(xs), unit)} – {fmt(max(xs), unit)}"
                verdict = "—"
                if bx and ax:
                    better, worse = (min(ax) > max(bx), max(ax) < min(bx)) if higher else (max(ax) < min(bx), min(ax) > max(bx))
                    verdict = "faster" if better else "slower" if worse else "within noise"
                o.write(f"| `{name[9:]}` ({unit}) | {fmt(bv, unit)} | {fmt(av, unit)} | {ratio} | {spread(bx)} | {spread(ax)} | {verdict} |\n")
    if med:
        o.write(f"""
## Mediation against the previous release (issue 16)

`BenchmarkMediation` (records from Submit into the durable handover queue on a real
redis-server, appendfsync everysec, 50 submitting goroutines, two LIIDs of which one with CC)
of the previous release and of this tree, built side by side (the baseline from its own
commit in a temporary git worktree) and run alternately, {len(med.get("BenchmarkMediation", []))} rounds each; medians.
Records per CPU-second = records ÷ (Go CPU + redis-server CPU): the figure a loaded machine
disturbs least. Load average: {medload} at the start, {medend or "not recorded"} at the end.
Raw output in `proof/bench/bench-mediation-raw.txt`.

Ratio: how many times better this tree is (baseline ÷ tree for costs, tree ÷ baseline for rates).

| metric | previous release | this tree | ratio | target |
|---|---|---|---|---|
""")
        B, T = "BenchmarkMediationBaseline", "BenchmarkMediation"
        def cell(x, d=2):
            return "—" if x is None else f"{x:,.{d}f}"
        for label, unit, d, target in (("Go CPU µs/record", "go-cpu-µs/record", 2, "≤ 12"),
                                       ("redis-server CPU µs/record", "redis-cpu-µs/record", 2, "≤ 12"),
                                       ("allocations/record", "allocs/op", 0, "≤ 15"),
                                       ("bytes allocated/record", "B/op", 0, ""),
                                       ("round trips/record", "round-trips/record", 4, "not above the baseline"),
                                       ("records/s (wall, loaded machine)", "records/s", 0, "")):
            b, t = medstat(B, unit), medstat(T, unit)
            ratio = "—" if not b or not t else (f"{t/b:.2f}×" if unit == "records/s" else f"{b/t:.2f}×")
            o.write(f"| {label} | {cell(b, d)} | {cell(t, d)} | {ratio} | {target} |\n")
        b, t = percpu(B), percpu(T)
        ratio = "—" if not b or not t else f"{t/b:.2f}×"
        o.write(f"| records per CPU-second | {cell(b, 0)} | {cell(t, 0)} | {ratio} | ≥ 3× |\n")
    o.write("""
## End to end: event → LEMF latency (`proof/load`)

One umli instance (mediation + handover) on a real redis-server, delivering to the
in-process LEMF over loopback TCP; UM records half IRI, half CC (160-byte G.711 chunks)
over 50 sessions. Latency is the LEMF's receipt time minus the PDU's micro-second time
stamp (the event time), over every distinct PDU. Target: p99 ≤ 5 ms at 10k events/s.

| offered | offered/s | delivered/s | p50 ms | p99 ms | max ms |
|---|---|---|---|---|---|
""")
    o.write("\n".join(lat) + "\n")
    if loadtool:
        o.write("""
## End to end through the sources: `umsim load`

`umsim load` against a real `umli run` (JSON-lines UM feed, SIPREC endpoint, SMTP and IMAP proxies in
front of an SMTP server and Dovecot; real redis-server, appendfsync everysec; in-process LEMF), a fifth
of the sessions non-target. Latency is over every PDU the LEMF got, from the PDU's time stamp (the
event) to its receipt; SIP CC is cut into 200 ms chunks, so its figure includes up to one chunk of
buffering. The load tool, umli, redis-server and the LEMF share the machine's cores.
Target sessions / CINs: sessions the tool sent to a target, and the distinct CINs the LEMF got
(one per intercepted session). Raw output in `proof/bench/bench-load-raw.txt`.

| --rate | --mix | load average before | sessions/s | PDU/s | errors | target sessions / CINs | p50 ms | p90 ms | p99 ms | max ms | target |
|---|---|---|---|---|---|---|---|---|---|---|---|
""")
        for name, v, avg in loadtool:
            _, rate, mix = name.split("/", 2)
            tgt = {"500": "p99 ≤ 10 ms", "2500": "p99 ≤ 100 ms, 0 errors, every target PDU"}.get(rate, "") if mix == "um=100" else ""
            cins = "—"
            if "target-sessions" in v and "lemf-cins" in v:
                cins = f"{v['target-sessions']:,.0f} / {v['lemf-cins']:,.0f}"
            o.write(f"| {rate} | {mix} | {avg} | {v.get('sessions/s', 0):.1f} | {v.get('PDU/s', 0):,.0f} | {v.get('errors', 0):.0f} | {cins} | {v.get('p50-ms', 0):.2f} | {v.get('p90-ms', 0):.2f} | {v.get('p99-ms', 0):.2f} | {v.get('max-ms', 0):.2f} | {tgt} |\n")
    o.write("\n## Every benchmark line\n\n| package | benchmark | metrics |\n|---|---|---|\n")
    for n in sorted(res):
        p, v = res[n]
        o.write(f"| {p} | `{n[9:]}` | " + ", ".join(f"{x:g} {u}" for u, x in v.items()) + " |\n")
    for n, v, _ in loadtool:
        o.write(f"| cmd/umsim | `{n[9:]}` | " + ", ".join(f"{x:g} {u}" for u, x in v.items()) + " |\n")
    for n in sorted(med):
        for v in med[n]:
            o.write(f"| mediation | `{n[9:]}` | " + ", ".join(f"{x:g} {u}" for u, x in v.items()) + " |\n")
    if failed:
        o.write("\n## Failures in this run\n\n" + "\n".join("- " + f for f in failed) + "\n")
PY
echo "wrote $OUT" >&2
