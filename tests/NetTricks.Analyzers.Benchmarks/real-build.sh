#!/usr/bin/env bash
# What NetTricks adds to a real `dotnet build` of the benchmark's `training` corpus, compiled by the SDK's own csc (not
# the harness's in-process compilation). The corpus is written to a temporary project outside the repository that
# references TorchSharp and Microsoft.ML and, in every other build, the Release NetTricks.Analyzers.dll as an analyzer.
#
#   tests/NetTricks.Analyzers.Benchmarks/real-build.sh [pairs=8]
#
# Three measurements, each as pairs of builds without and with NetTricks, alternated (`--no-incremental`, so csc runs
# every time), reading the Csc task's wall time from MSBuild's performance summary:
#   - warm compiler server (VBCSCompiler, as on a developer machine), default build: the 21 analyzers with a Warning rule;
#   - warm compiler server with an error log (-p:ErrorLog=..., SARIF): all 36 analyzers run;
#   - no compiler server (UseSharedCompilation=false, a fresh csc process per build, as in CI without a server), with an error log.
# Then a few warm builds with -p:ReportAnalyzer=true print the time csc reports for NetTricks (wall time of its
# callbacks under concurrent analysis, which the reporting itself slows: read it as an upper bound).
# It prints the medians and the median of the per-pair differences.
set -euo pipefail
pairs=${1:-8}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'dotnet build-server shutdown >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

dotnet build -c Release "$here" >/dev/null
harness=$(ls "$here"/bin/Release/*/NetTricks.Analyzers.Benchmarks.dll | head -1)
analyzer="$root/src/NetTricks.Analyzers/bin/Release/netstandard2.0/NetTricks.Analyzers.dll"
NETTRICKS_BENCH_CORPUS=training NETTRICKS_BENCH_DUMP="$work/corpus" dotnet "$harness" 50000 >/dev/null
torch=$(sed -nE 's|.*<TorchSharpVersion>([^<]+)</TorchSharpVersion>.*|\1|p' "$root/Directory.Packages.props")
mlnet=$(sed -nE 's|.*<PackageVersion Include="Microsoft.ML" Version="([^"]+)".*|\1|p' "$root/Directory.Packages.props")
cat > "$work/Training.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Library</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>disable</ImplicitUsings>
    <Nullable>disable</Nullable>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TorchSharp" Version="$torch" />
    <PackageReference Include="Microsoft.ML" Version="$mlnet" />
    <Analyzer Include="\$(NetTricksAnalyzer)" Condition="'\$(NetTricksAnalyzer)' != ''" />
  </ItemGroup>
</Project>
EOF
echo "training corpus: $(find "$work/corpus" -name '*.cs' | wc -l) files, $(cat $(find "$work/corpus" -name '*.cs') | wc -l) lines; TorchSharp $torch, Microsoft.ML $mlnet"
dotnet restore "$work/Training.csproj" >/dev/null

csc_ms() { sed -nE 's/^ +([0-9]+) ms  Csc .*/\1/p' "$1" | head -1; }
build() { # build <out file> <server: true|false> [extra properties...]
  local out=$1 server=$2; shift 2
  dotnet build "$work/Training.csproj" --no-restore --no-incremental -nodeReuse:false -p:UseSharedCompilation="$server" \
    -clp:PerformanceSummary -v:m "$@" > "$out" 2>&1 || { cat "$out"; exit 1; }
}

measure() { # measure <label> <server> [extra properties...]
  local label=$1 server=$2; shift 2
  local without=() with=()
  build "$work/warm.txt" "$server" "$@"; build "$work/warm.txt" "$server" -p:NetTricksAnalyzer="$analyzer" "$@" # warm-ups
  for ((i = 0; i < pairs; i++)); do
    build "$work/a.txt" "$server" "$@"
    build "$work/b.txt" "$server" -p:NetTricksAnalyzer="$analyzer" "$@"
    without+=("$(csc_ms "$work/a.txt")"); with+=("$(csc_ms "$work/b.txt")")
  done
  python3 - "$label" "${without[*]}" "${with[*]}" <<'PY'
import statistics, sys
label, without, with_ = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
added = [b - a for a, b in zip(without, with_)]
base = statistics.median(without)
print(f"{label}: Csc task {base:.0f} ms without NetTricks, {statistics.median(with_):.0f} ms with; "
      f"added (median of {len(added)} pairs) {statistics.median(added):+.0f} ms = {100 * statistics.median(added) / base:+.1f} %")
print(f"    without {[int(x) for x in without]}\n    with    {[int(x) for x in with_]}")
PY
}

dotnet build-server shutdown >/dev/null 2>&1 || true
measure "warm server, default build (21 analyzers)" true
measure "warm server, error log (36 analyzers)" true -p:ErrorLog="$work/log.sarif"
measure "no server (fresh csc per build), error log (36 analyzers)" false -p:ErrorLog="$work/log.sarif"

echo "csc's own report (-p:ReportAnalyzer=true, warm server, error log), NetTricks' callbacks and all analyzers:"
for ((i = 0; i < 3; i++)); do
  build "$work/report.txt" true -p:NetTricksAnalyzer="$analyzer" -p:ErrorLog="$work/log.sarif" -p:ReportAnalyzer=true -v:d
  echo "    Csc task $(csc_ms "$work/report.txt") ms; NetTricks $(sed -nE 's/^ +([0-9.]+) +[<0-9]+ +NetTricks\.Analyzers, Version.*/\1/p' "$work/report.txt" | head -1) s;" \
    "all analyzers $(sed -nE 's/.*Total analyzer execution time: ([0-9.]+) seconds.*/\1/p' "$work/report.txt" | head -1) s"
done
