#!/usr/bin/env bash
# Samples where NetTricks' analysis time goes, with Linux `perf` (software cpu-clock events, so it works in VMs
# without hardware counters) and the runtime's perf map for JIT-compiled code. EventPipe sampling (dotnet-trace)
# suspends threads at safepoints and piles samples into PollGC/Monitor frames; perf samples where the CPU is.
#
#   tests/NetTricks.Analyzers.Benchmarks/perf-profile.sh [corpus=training] [runs=8] [rows=40]   (runs after the warm-ups)
#
# Prints, over the samples whose stack holds a NetTricks.Analyzers frame: the innermost NetTricks frame (its own
# code plus the Roslyn/BCL code it calls), the leaf frames, and inclusive time per NetTricks frame.
set -euo pipefail
corpus=${1:-training}
runs=${2:-8}
rows=${3:-40}
here=$(cd "$(dirname "$0")" && pwd)
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
dotnet build -c Release "$here" >/dev/null
dll=$(ls "$here"/bin/Release/*/NetTricks.Analyzers.Benchmarks.dll | head -1)
work=$(mktemp -d)
# W^X off: with it, JIT code runs from a memfd mapping that perf does not match against /tmp/perf-<pid>.map.
# Samples are stamped with CLOCK_MONOTONIC, which the harness prints when its warm-ups are over (the JIT quiet): only
# later samples are summarised, so tier-0 code and JIT work of the first runs do not skew the shares.
DOTNET_EnableWriteXorExecute=0 DOTNET_PerfMapEnabled=1 NETTRICKS_BENCH_CORPUS="$corpus" NETTRICKS_BENCH_PROFILE="$runs" \
  perf record -k CLOCK_MONOTONIC -e cpu-clock -F 1999 -g -o "$work/perf.data" dotnet "$dll" | tee "$work/harness.txt" | grep 'median\|warmed up'
steady=$(sed -nE 's/.*warmed up at monotonic ([0-9.]+) s.*/\1/p' "$work/harness.txt" | head -1)
perf script -i "$work/perf.data" -F comm,tid,time,ip,sym 2>/dev/null > "$work/perf.txt"
python3 "$here/perf_summary.py" "$work/perf.txt" "$rows" "${steady:-0}"
if [ -n "${NETTRICKS_PERF_KEEP:-}" ]; then cp "$work/perf.txt" "$NETTRICKS_PERF_KEEP"; fi
rm -rf "$work" /tmp/perf-*.map
