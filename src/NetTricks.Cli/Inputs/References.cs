using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace NetTricks.Cli.Inputs;

/// <summary>
/// The metadata references every compilation gets: the .NET 8 reference assemblies (embedded in
/// Basic.Reference.Assemblies.Net80) and the TorchSharp and ML.NET reference assemblies the tool carries in refs/.
/// </summary>
internal static class References
{
    private static readonly Regex CarriedPackage = new(
        @"^(TorchSharp(-.+)?|libtorch-.+|Microsoft\.ML(\.DataView|\.CpuMath)?)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> All = new(Load);

    public static string CarriedDirectory => Path.Combine(AppContext.BaseDirectory, "refs");

    /// <summary>True for packages whose types nettricks knows: TorchSharp (any flavour, and libtorch natives) and the ML.NET core.</summary>
    public static bool IsCarried(string packageId) => CarriedPackage.IsMatch(packageId.Trim());

    public static IReadOnlyList<MetadataReference> Get() => All.Value;

    public static IReadOnlyList<string> CarriedAssemblies() =>
        Directory.Exists(CarriedDirectory)
            ? Directory.GetFiles(CarriedDirectory, "*.dll").Select(Path.GetFileNameWithoutExtension).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    private static IReadOnlyList<MetadataReference> Load()
    {
        var carried = Directory.Exists(CarriedDirectory) ? Directory.GetFiles(CarriedDirectory, "*.dll").OrderBy(f => f, StringComparer.Ordinal).ToList() : new List<string>();
        if (!carried.Any(f => Path.GetFileName(f).Equals("TorchSharp.dll", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"the TorchSharp reference assembly is missing from {CarriedDirectory}: the installation is damaged");
        return Basic.Reference.Assemblies.Net80.References.All
            .Cast<MetadataReference>()
            .Concat(carried.Select(f => MetadataReference.CreateFromFile(f)))
            .ToList();
    }
}
