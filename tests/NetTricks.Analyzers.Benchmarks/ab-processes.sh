#!/usr/bin/env bash
# Compares two builds of NetTricks.Analyzers.dll in separate processes, alternating A and B process by process, each
# process measuring `runs` analyses of one corpus after the harness's warm-ups (until the JIT is quiet) (NETTRICKS_BENCH_PROFILE). In one process
# the second analysis of a pair measured slower than the first whichever build it was (heap state), which the in-process
# A/B mode (NETTRICKS_BENCH_AB) averages out only over many runs; here each process measures one build only.
#
#   tests/NetTricks.Analyzers.Benchmarks/ab-processes.sh <A.dll> <B.dll> [corpus=training] [processes=6] [runs=6]
#
# Prints each process's median and minimum NetTricks thread CPU, then the B/A ratios of the medians of both.
set -euo pipefail
a=$(realpath "$1"); b=$(realpath "$2")
corpus=${3:-training}; processes=${4:-6}; runs=${5:-6}
here=$(cd "$(dirname "$0")" && pwd)
dotnet build -c Release "$here" >/dev/null
dll=$(ls "$here"/bin/Release/*/NetTricks.Analyzers.Benchmarks.dll | head -1)
declare -a medA medB minA minB
for ((i = 0; i < processes; i++)); do
  for variant in A B; do
    [[ $variant == A ]] && path=$a || path=$b
    line=$(NETTRICKS_BENCH_ANALYZERS="$path" NETTRICKS_BENCH_CORPUS="$corpus" NETTRICKS_BENCH_PROFILE="$runs" dotnet "$dll" | grep 'median NetTricks CPU')
    median=$(sed -E 's/.*warm-ups\) ([0-9]+) ms.*/\1/' <<< "$line"); minimum=$(sed -E 's/.*\(min ([0-9]+),.*/\1/' <<< "$line")
    echo "process $i $variant: median $median ms, min $minimum ms"
    if [[ $variant == A ]]; then medA+=("$median"); minA+=("$minimum"); else medB+=("$median"); minB+=("$minimum"); fi
  done
done
python3 - "${medA[*]}" "${medB[*]}" "${minA[*]}" "${minB[*]}" <<'PY'
import statistics, sys
ma, mb, na, nb = ([float(x) for x in arg.split()] for arg in sys.argv[1:5])
print(f"A: medians {statistics.median(ma):.0f} ms (per process {ma}), minimums {statistics.median(na):.0f} ms")
print(f"B: medians {statistics.median(mb):.0f} ms (per process {mb}), minimums {statistics.median(nb):.0f} ms")
print(f"B/A: {statistics.median(mb) / statistics.median(ma):.1%} of the median of medians, {statistics.median(nb) / statistics.median(na):.1%} of the median of minimums, "
      f"paired by process {statistics.median([y / x for x, y in zip(ma, mb)]):.1%}")
PY
