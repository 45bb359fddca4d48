namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>Using directives most TorchSharp code starts with.</summary>
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
}
