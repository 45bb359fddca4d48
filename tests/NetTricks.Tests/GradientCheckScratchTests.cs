using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetTricks.Tests;

public class GradientCheckScratchTests
{
    private readonly ITestOutputHelper o;
    public GradientCheckScratchTests(ITestOutputHelper o) { this.o = o; }

    private void Probe(string label, nn.Module m)
    {
        var before = m.named_parameters().ToList();
        var bufs = m.named_buffers().ToList();
        o.WriteLine($"{label}: params {before.Count} bufs {bufs.Count} training {m.training}");
        m.to(float64);
        var mid = m.named_parameters().ToList();
        o.WriteLine($"  after to(f64): same objects {before.Zip(mid).Count(z => ReferenceEquals(z.First.Item2, z.Second.Item2))}/{before.Count}; originals dtypes {string.Join(",", before.Select(b => b.Item2.dtype))}; new dtypes {string.Join(",", mid.Select(b => b.Item2.dtype))}; mid requires {string.Join(",", mid.Select(b => b.Item2.requires_grad))}");
        m.to(float32);
        var after = m.named_parameters().ToList();
        o.WriteLine($"  after back: same objects {before.Zip(after).Count(z => ReferenceEquals(z.First.Item2, z.Second.Item2))}/{before.Count}; originals dtypes {string.Join(",", before.Select(b => b.Item2.dtype))}");
    }

    [Fact]
    public void Scratch()
    {
        Probe("seq", nn.Sequential(("fc1", nn.Linear(3, 4)), ("act", nn.ReLU()), ("fc2", nn.Linear(4, 2))));
        Probe("conv", nn.Conv2d(1, 2, 3));
        Probe("lstm", nn.LSTM(3, 4));
        Probe("bn", nn.BatchNorm1d(3));
        var t = typeof(nn.Module);
        foreach (var f in t.GetFields(BindingFlags.NonPublic | BindingFlags.Instance)) o.WriteLine("Module field " + f.Name + " : " + f.FieldType);
        var lin = nn.Linear(2, 2, dtype: float64);
        var w = lin.weight!;
        var flat = w.view(-1);
        using (var acc = flat.data<double>()) { var v = acc[1]; acc[1] = v + 1; o.WriteLine($"accessor write visible: {w[0, 1].ToDouble() - v}"); acc[1] = v; }
        var x = torch.randn(3, dtype: float64).requires_grad_();
        var y = x * x;
        var gs = autograd.grad(new List<Tensor> { y }, new List<Tensor> { x }, new List<Tensor> { torch.ones(3, dtype: float64) }, true, false, true);
        o.WriteLine("retain ok " + gs[0].ToString(TorchSharp.TensorStringStyle.Julia));
        var gs2 = autograd.grad(new List<Tensor> { y }, new List<Tensor> { x }, new List<Tensor> { torch.ones(3, dtype: float64) }, false, false, true);
        o.WriteLine("second ok");
        var st = torch.get_rng_state();
        var a = torch.rand(2); torch.set_rng_state(st); var b = torch.rand(2);
        o.WriteLine("rng restore equal " + torch.equal(a, b).ToBoolean());
    }
}
