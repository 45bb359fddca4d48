using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using Xunit;

namespace NetTricks.Package.Tests;

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "packed NetTricks feed and consumer";
}

/// <summary>
/// Packs NetTricks.Analyzers and NetTricks once per run with a unique version into a temporary folder feed and
/// restores a consumer project (outside the repository) that references both packages by that version plus
/// TorchSharp. The consumer uses its own packages folder, so no cached package from an earlier run can be used.
/// Tests share it and run one after another (one collection); each test writes the configuration it needs.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public const string ConsumerProjectName = "Consumer";

    public string RepositoryRoot { get; }
    public string Root { get; }
    public string Feed { get; }
    public string Version { get; }
    public string ConsumerDirectory { get; }
    public string ConsumerProjectFile => Path.Combine(ConsumerDirectory, ConsumerProjectName + ".csproj");
    public string PackagesFolder { get; }
    public string AnalyzersPackagePath => Path.Combine(Feed, $"NetTricks.Analyzers.{Version}.nupkg");
    public string RuntimePackagePath => Path.Combine(Feed, $"NetTricks.{Version}.nupkg");
    public string OriginalProjectText { get; }

    /// <summary>The FlawedTraining sample's own .editorconfig (raises NT4001, NT4002, NT5001 to warnings), made root.</summary>
    public string SampleEditorConfig { get; }

    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        Root = Path.Combine(Path.GetTempPath(), "nettricks-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        if (IsUnder(Root, RepositoryRoot))
        {
            throw new InvalidOperationException($"The temp folder {Root} is inside the repository {RepositoryRoot}.");
        }
        Feed = Path.Combine(Root, "feed");
        PackagesFolder = Path.Combine(Root, "packages");
        ConsumerDirectory = Path.Combine(Root, "consumer", "app");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(ConsumerDirectory);
        try
        {
            Pack("src/NetTricks.Analyzers.Package/NetTricks.Analyzers.Package.csproj");
            Pack("src/NetTricks/NetTricks.csproj");
            WriteConsumerRoot(Path.Combine(Root, "consumer"));

            OriginalProjectText = ConsumerProject(Version);
            File.WriteAllText(ConsumerProjectFile, OriginalProjectText);
            var sample = Path.Combine(RepositoryRoot, "samples", "FlawedTraining");
            foreach (var source in Directory.GetFiles(sample, "*.cs"))
            {
                File.Copy(source, Path.Combine(ConsumerDirectory, Path.GetFileName(source)));
            }
            foreach (var source in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer"), "*.cs"))
            {
                File.Copy(source, Path.Combine(ConsumerDirectory, Path.GetFileName(source)));
            }
            SampleEditorConfig = "root = true\n\n" + File.ReadAllText(Path.Combine(sample, ".editorconfig"));
            WriteEditorConfig(SampleEditorConfig);

            var restore = ProcessRunner.Dotnet(ConsumerDirectory, "restore", ConsumerProjectFile);
            if (restore.ExitCode != 0)
            {
                throw new InvalidOperationException("Restoring the consumer failed: " + restore.Describe());
            }
        }
        catch
        {
            DeleteDirectory(Root);
            throw;
        }
    }

    /// <summary>Replaces the consumer's .editorconfig (the only one it sees: it is root and outside the repo).</summary>
    public void WriteEditorConfig(string text) => File.WriteAllText(Path.Combine(ConsumerDirectory, ".editorconfig"), text);

    public void WriteEditorConfigLines(params string[] lines) =>
        WriteEditorConfig("root = true\n\n[*.cs]\n" + string.Join("\n", lines) + "\n");

    /// <summary>dotnet build --no-incremental (the compiler must run for diagnostics to be printed).</summary>
    public ProcessResult Build(string? projectDirectory = null, params string[] extraArguments) =>
        ProcessRunner.Dotnet(
            projectDirectory ?? ConsumerDirectory,
            new[] { "build", "--no-incremental", "--no-restore", "-nodeReuse:false", "-v:m", NoCompilerServer }.Concat(extraArguments).ToArray());

    /// <summary>A fresh copy of the consumer's sources and project (no bin/obj) next to it, restored.</summary>
    public string CopyConsumer(string name)
    {
        var target = Path.Combine(Root, "consumer", name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(ConsumerDirectory))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
        File.WriteAllText(Path.Combine(target, ConsumerProjectName + ".csproj"), OriginalProjectText);
        var restore = ProcessRunner.Dotnet(target, "restore", Path.Combine(target, ConsumerProjectName + ".csproj"));
        Assert.True(restore.ExitCode == 0, restore.Describe());
        return target;
    }

    public void Dispose() => DeleteDirectory(Root);

    /// <summary>
    /// Compile in-process: each run's analyzers live at a new path, and a shared compiler server would keep every
    /// run's analyzer assemblies loaded (and outlive the tests).
    /// </summary>
    private const string NoCompilerServer = "-p:UseSharedCompilation=false";

    private void Pack(string project)
    {
        var result = ProcessRunner.Dotnet(
            RepositoryRoot, "pack", Path.Combine(RepositoryRoot, project), "-c", "Release", "-nodeReuse:false", NoCompilerServer,
            "-p:Version=" + Version, "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Packing {project} failed: " + result.Describe());
        }
    }

    private void WriteConsumerRoot(string consumerRoot)
    {
        Directory.CreateDirectory(consumerRoot);
        // Stop MSBuild from importing anything from the folders above the temp directory.
        File.WriteAllText(Path.Combine(consumerRoot, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(consumerRoot, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(consumerRoot, "Directory.Packages.props"), "<Project />\n");

        // The package sources configured on this machine (the NuGet registry in use here), plus the local feed.
        var sources = MachinePackageSources();
        var globalPackages = MachineGlobalPackagesFolder();
        var config = new StringBuilder();
        config.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        config.AppendLine("<configuration>");
        config.AppendLine("  <config>");
        config.AppendLine($"    <add key=\"globalPackagesFolder\" value=\"{SecurityElement.Escape(PackagesFolder)}\" />");
        config.AppendLine("  </config>");
        config.AppendLine("  <packageSources>");
        config.AppendLine("    <clear />");
        config.AppendLine($"    <add key=\"nettricks-e2e-feed\" value=\"{SecurityElement.Escape(Feed)}\" />");
        for (int i = 0; i < sources.Count; i++)
        {
            config.AppendLine($"    <add key=\"machine-source-{i}\" value=\"{SecurityElement.Escape(sources[i])}\" />");
        }
        config.AppendLine("  </packageSources>");
        if (globalPackages is not null)
        {
            // Third-party packages (TorchSharp) come from the machine's cache without downloading; the NetTricks
            // packages have a version no earlier run used, so they can only come from the feed of this run.
            config.AppendLine("  <fallbackPackageFolders>");
            config.AppendLine($"    <add key=\"machine-cache\" value=\"{SecurityElement.Escape(globalPackages)}\" />");
            config.AppendLine("  </fallbackPackageFolders>");
        }
        config.AppendLine("</configuration>");
        File.WriteAllText(Path.Combine(consumerRoot, "nuget.config"), config.ToString());
    }

    private List<string> MachinePackageSources()
    {
        // Run outside the repository so that only the machine's (user-level) NuGet configuration is read.
        var result = ProcessRunner.Dotnet(Root, "nuget", "list", "source", "--format", "Short");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet nuget list source failed: " + result.Describe());
        }
        // Lines look like "E https://api.nuget.org/v3/index.json" (E = enabled, D = disabled).
        var sources = result.Output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("E ", StringComparison.Ordinal))
            .Select(l => l[2..].Trim())
            .Where(s => s.Length > 0)
            .ToList();
        if (sources.Count == 0)
        {
            throw new InvalidOperationException("No enabled NuGet source is configured on this machine: " + result.Describe());
        }
        return sources;
    }

    private string? MachineGlobalPackagesFolder()
    {
        var result = ProcessRunner.Dotnet(Root, "nuget", "locals", "global-packages", "--list");
        const string prefix = "global-packages:";
        var line = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var folder = line?[prefix.Length..].Trim();
        return folder is not null && Directory.Exists(folder) ? folder : null;
    }

    private static string ConsumerProject(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
            <RootNamespace>FlawedTraining</RootNamespace>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="NetTricks.Analyzers" Version="{version}" />
            <PackageReference Include="NetTricks" Version="{version}" />
            <PackageReference Include="TorchSharp" Version="{TorchSharpVersion}" />
          </ItemGroup>
        </Project>

        """;

    /// <summary>The TorchSharp version the repository builds against (Directory.Packages.props).</summary>
    private static string TorchSharpVersion
    {
        get
        {
            var props = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "Directory.Packages.props"));
            var match = System.Text.RegularExpressions.Regex.Match(props, @"<TorchSharpVersion>\s*([^<\s]+)\s*</TorchSharpVersion>");
            return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("No TorchSharpVersion in Directory.Packages.props.");
        }
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetTricks.Analyzers.sln")) &&
                Directory.Exists(Path.Combine(dir.FullName, "samples", "FlawedTraining")))
            {
                return dir.FullName;
            }
        }
        // Built with --artifacts-path outside the tree: the path recorded at build time.
        var recorded = typeof(PackageFixture).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NetTricksRepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "NetTricks.Analyzers.sln")))
        {
            return recorded;
        }
        throw new InvalidOperationException($"No NetTricks.Analyzers.sln above {AppContext.BaseDirectory} (nor at {recorded}).");
    }

    private static bool IsUnder(string path, string directory)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var dir = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(dir, StringComparison.Ordinal);
    }

    private static void DeleteDirectory(string path)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                return;
            }
            catch (IOException) when (attempt < 2)
            {
                System.Threading.Thread.Sleep(500);
            }
            catch (UnauthorizedAccessException) when (attempt < 2)
            {
                System.Threading.Thread.Sleep(500);
            }
        }
    }
}
