#!/usr/bin/env bash
# Which NetTricks analyzers a `dotnet build` runs. csc does not run an analyzer whose rules are all Info (or Hidden)
# unless it writes an error log (SARIF, -p:ErrorLog=...) or .editorconfig raises one of its rules: the benchmark's
# `build ratio` column rests on that. This builds samples/FlawedTraining twice with -p:ReportAnalyzer=true, without and
# with an error log, and prints each NetTricks analyzer's execution time from both builds, as csc reports it.
# (The sample's .editorconfig raises NT4001, NT4002 and NT5001 to warnings, so their analyzers run in both builds.)
#
#   tests/NetTricks.Analyzers.Benchmarks/build-default-check.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sample="$root/samples/FlawedTraining"
dotnet build "$sample" --no-incremental -nodeReuse:false -p:UseSharedCompilation=false -p:ReportAnalyzer=true -v:d > "$work/default.txt"
dotnet build "$sample" --no-incremental -nodeReuse:false -p:UseSharedCompilation=false -p:ReportAnalyzer=true -p:ErrorLog="$work/log.sarif" -v:d > "$work/errorlog.txt"
python3 - "$work/default.txt" "$work/errorlog.txt" <<'EOF'
import re, sys
# csc's report lines: "   0.012   <1   NetTricks.Analyzers.Rules.SomeAnalyzer (NT1234, NT5678)"
line = re.compile(r'^\s*(<?[0-9.]+)\s+\S+\s+NetTricks\.Analyzers\.Rules\.(\w+) \(([^)]*)\)\s*$')
def times(path):
    found = {}
    for text in open(path, encoding='utf-8', errors='replace'):
        m = line.match(text)
        if m:
            found[m.group(2)] = (m.group(1), m.group(3))
    return found
default, errorlog = times(sys.argv[1]), times(sys.argv[2])
if not default or not errorlog:
    sys.exit('no analyzer report found in the build output (ReportAnalyzer)')
print(f'{"analyzer":<48} {"rules":<16} {"default build s":>16} {"with error log s":>17}')
for name in sorted(errorlog, key=lambda n: errorlog[n][1]):
    print(f'{name:<48} {errorlog[name][1]:<16} {default.get(name, ("-",))[0]:>16} {errorlog[name][0]:>17}')
EOF
