namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>Using directives most TorchSharp code starts with, and small models tests share.</summary>
public static class Sources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    /// <summary>A classifier whose forward ends in softmax, in its own file (the usual project layout).</summary>
    public const string SoftmaxClassifierFile = Usings + """
        public sealed class SoftmaxClassifier : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(10, 32);
            private readonly Linear fc2 = Linear(32, 3);

            public SoftmaxClassifier() : base(nameof(SoftmaxClassifier)) => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                x = fc1.forward(x).relu();
                x = fc2.forward(x);
                return x.softmax(1);
            }
        }
        """;
}
