#!/usr/bin/env bash
# Throughput of `nettricks check` on a generated folder of TorchSharp training code (no test depends on this).
#   tests/NetTricks.Cli.Tests/bench/bench.sh [experiments=260] [path to nettricks.dll]
# Each experiment is a model file and a trainer file (~300 lines together, a mix of correct code and the
# mistakes the rules look for); 260 experiments give ~51,000 lines in 520 files, checked as one folder.
set -euo pipefail
experiments=${1:-260}
tool=${2:-}
root=$(cd "$(dirname "$0")/../../.." && pwd)
if [[ -z "$tool" ]]; then
  dotnet build "$root/src/NetTricks.Cli" -c Release --artifacts-path /tmp/nettricks-bench-build -nologo -v q >/dev/null
  tool=/tmp/nettricks-bench-build/bin/NetTricks.Cli/release/nettricks.dll
fi
corpus=$(mktemp -d /tmp/nettricks-bench.XXXXXX)
trap 'rm -rf "$corpus"' EXIT

for ((i = 0; i < experiments; i++)); do
  case $((i % 4)) in 0) head="x.softmax(1)";; 1) head="x.log_softmax(1)";; 2) head="functional.relu(x)";; *) head="x";; esac
  case $((i % 3)) in 0) loss="CrossEntropyLoss()";; 1) loss="NLLLoss()";; *) loss="MSELoss()";; esac
  if ((i % 6 == 0)); then zero=""; else zero="optimizer.zero_grad();"; fi
  if ((i % 4 == 0)); then clip="torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);"; else clip=""; fi
  if ((i % 2 == 0)); then input="features"; else input="features.index_select(0, perm.narrow(0, start, Math.Min(64, n - start)))"; fi
  if ((i % 3 == 2)); then target="functional.one_hot(labels, 10).to_type(ScalarType.Float32)"; else target="labels"; fi
  mkdir -p "$corpus/exp$((i / 20))"
  cat > "$corpus/exp$((i / 20))/Model$i.cs" <<CS
using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bench.Experiment$i;

/// <summary>A residual MLP for experiment $i.</summary>
public sealed class Block$i : Module<Tensor, Tensor>
{
    private readonly Linear first = Linear(128, 128);
    private readonly Linear second = Linear(128, 128);
    private readonly LayerNorm norm = LayerNorm(128);

    public Block$i() : base("block$i") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var residual = x;
        x = first.forward(x).relu();
        x = second.forward(x);
        return norm.forward(x + residual);
    }
}

public sealed class Model$i : Module<Tensor, Tensor>
{
    private readonly Linear input = Linear($((16 + i % 7))), 128);
    private readonly Sequential body = Sequential(("fc1", Linear(128, 128)), ("act1", ReLU()), ("fc2", Linear(128, 64)), ("act2", Tanh()));
    private readonly Block$i block = new Block$i();
    private readonly Linear output = Linear(64, 10);

    public Model$i() : base("model$i") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = input.forward(x).relu();
        x = block.forward(x);
        x = body.forward(x);
        x = output.forward(x);
        return $head;
    }

    public Tensor Embed(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = input.forward(x).relu();
        return block.forward(hidden).MoveToOuterDisposeScope();
    }

    public static int CountParameters(Module module)
    {
        var total = 0L;
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!name.Contains("norm", StringComparison.Ordinal))
                total += parameter.numel();
        }

        return (int)Math.Min(int.MaxValue, total);
    }

    public static IEnumerable<string> Describe(Module module)
    {
        foreach (var (name, child) in module.named_children())
            yield return name + ": " + child.GetType().Name;
    }
}

public static class Data$i
{
    public static (Tensor Features, Tensor Labels) Make(int count, int seed)
    {
        torch.manual_seed(seed);
        var features = torch.randn(count, $((16 + i % 7))));
        var weights = torch.randn($((16 + i % 7))), 10);
        var labels = features.matmul(weights).argmax(1);
        return (features, labels);
    }

    public static (Tensor, Tensor, Tensor, Tensor) Split(Tensor x, Tensor y, long train)
    {
        var n = x.shape[0];
        return (x.narrow(0, 0, train), y.narrow(0, 0, train), x.narrow(0, train, n - train), y.narrow(0, train, n - train));
    }

    public static Tensor Standardise(Tensor x)
    {
        var mean = x.mean(new long[] { 0 }, keepdim: true);
        var std = x.std(0, keepdim: true) + 1e-6;
        return (x - mean) / std;
    }
}
CS
  cat > "$corpus/exp$((i / 20))/Trainer$i.cs" <<CS
using System;
using System.Collections.Generic;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bench.Experiment$i;

public static class Trainer$i
{
    private const int Epochs = 20;

    public static double Run()
    {
        var (x, y) = Data$i.Make(4000, $i);
        var (trainX, trainY, valX, valY) = Data$i.Split(x, y, 3000);
        var model = new Model$i();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 5, 0.5);
        var history = Train(model, optimizer, trainX, trainY);
        scheduler.step();
        return Evaluate(model, valX, valY) + history.Count * 0.0;
    }

    private static List<double> Train(Model$i model, torch.optim.Optimizer optimizer, Tensor features, Tensor labels)
    {
        var criterion = $loss;
        var history = new List<double>();
        var watch = Stopwatch.StartNew();
        long n = features.shape[0];
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            model.train();
            using var perm = torch.randperm(n);
            for (long start = 0; start < n; start += 64)
            {
                using var scope = torch.NewDisposeScope();
                $zero
                var output = model.forward($input);
                var loss = criterion.forward(output, $target);
                loss.backward();
                $clip
                optimizer.step();
                history.Add(loss.item<float>());
            }

            if (epoch % 5 == 0)
                Console.WriteLine(\$"epoch {epoch}: {history[^1]:F4} after {watch.Elapsed.TotalSeconds:F1} s");
        }

        return history;
    }

    public static double Evaluate(Model$i model, Tensor features, Tensor labels)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var predictions = model.forward(features).argmax(1);
        return predictions.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
    }

    public static double[] Sweep(IReadOnlyList<double> rates)
    {
        var results = new double[rates.Count];
        for (var r = 0; r < rates.Count; r++)
        {
            var model = new Model$i();
            var optimizer = torch.optim.SGD(model.parameters(), rates[r], momentum: 0.9);
            var (x, y) = Data$i.Make(1000, r);
            for (var step = 0; step < 10; step++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var loss = functional.cross_entropy(model.forward(x), y);
                loss.backward();
                optimizer.step();
            }

            results[r] = Evaluate(model, x, y);
        }

        return results;
    }

    public static string Report(IReadOnlyList<double> values)
    {
        var best = double.NegativeInfinity;
        var index = -1;
        for (var k = 0; k < values.Count; k++)
        {
            if (values[k] > best)
            {
                best = values[k];
                index = k;
            }
        }

        return index < 0 ? "no runs" : \$"best run {index}: {best:P1}";
    }
}
CS
done

lines=$(cat "$corpus"/*/*.cs | wc -l)
files=$(ls "$corpus"/*/*.cs | wc -l)
echo "corpus: $files files, $lines lines in $corpus"
for run in 1 2 3; do
  start=$(date +%s.%N)
  dotnet "$tool" check "$corpus" --stats --fail-on never --no-progress > /tmp/nettricks-bench-findings.txt 2> /tmp/nettricks-bench-stderr.txt || true
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  echo "run $run: $(grep -c ': warning \|: info \|: error ' /tmp/nettricks-bench-findings.txt) findings; wall ${wall} s = $(echo "$lines / $wall" | bc) lines/s (process start to exit)"
  grep "nettricks stats" /tmp/nettricks-bench-stderr.txt
done
