using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace NetTricks.SamplesTests;

/// <summary>One <c>RESULT &lt;experiment&gt; &lt;metric&gt; &lt;value&gt;</c> line of a sample's output.</summary>
public sealed record ExperimentResult(string Name, string Metric, double Value)
{
    /// <summary>True when <paramref name="other"/> is strictly better than this result on the same metric.</summary>
    public bool IsStrictlyImprovedBy(ExperimentResult other) => Metric switch
    {
        "accuracy" => other.Value > Value,
        "rmse" => other.Value < Value,
        _ => throw new InvalidOperationException($"Unknown metric '{Metric}' (expected accuracy or rmse)."),
    };
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, bool TimedOut)
{
    public string Describe() =>
        $"exit code {ExitCode}{(TimedOut ? " (timed out, killed)" : "")} after {Elapsed.TotalSeconds:F1} s{Environment.NewLine}" +
        $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";
}

/// <summary>Builds and runs the sample programs with the dotnet CLI.</summary>
public static class SampleRunner
{
    private static readonly Regex ResultLine = new(@"^RESULT (\S+) (\S+) (\S+)\s*$", RegexOptions.Compiled);

    /// <summary>
    /// The repository root: the first directory above the test assembly that holds NetTricks.Analyzers.sln
    /// (or .slnx); failing that, the first one that holds samples/FlawedTraining.
    /// </summary>
    public static string FindRepositoryRoot()
    {
        string? fallback = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetTricks.Analyzers.sln")) ||
                File.Exists(Path.Combine(dir.FullName, "NetTricks.Analyzers.slnx")))
            {
                return dir.FullName;
            }
            if (fallback is null && Directory.Exists(Path.Combine(dir.FullName, "samples", "FlawedTraining")))
            {
                fallback = dir.FullName;
            }
        }
        return fallback ?? throw new InvalidOperationException(
            $"No NetTricks.Analyzers.sln (nor samples/FlawedTraining) above {AppContext.BaseDirectory}.");
    }

    public static IReadOnlyList<ExperimentResult> ParseResults(string standardOutput)
    {
        var results = new List<ExperimentResult>();
        foreach (var rawLine in standardOutput.Split('\n'))
        {
            var match = ResultLine.Match(rawLine.TrimEnd('\r'));
            if (match.Success)
            {
                results.Add(new ExperimentResult(
                    match.Groups[1].Value,
                    match.Groups[2].Value,
                    double.Parse(match.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture)));
            }
        }
        return results;
    }

    /// <summary>The dotnet executable that runs this test (the SDK's host), else "dotnet" from PATH.</summary>
    public static string DotnetExecutable()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    /// <summary>
    /// <c>dotnet build</c> of one project, retried a few times: other builds (another test process, a developer)
    /// may hold the shared src/ outputs for a moment, which fails a build with a transient file-lock error.
    /// </summary>
    public static async Task<ProcessResult> BuildAsync(string projectPath, string configuration, TimeSpan timeout, Action<string> log)
    {
        const int attempts = 4;
        ProcessResult result = null!;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            result = await RunAsync(
                DotnetExecutable(),
                new[] { "build", projectPath, "-c", configuration, "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary" },
                Path.GetDirectoryName(projectPath)!,
                timeout);
            log($"dotnet build {Path.GetFileName(projectPath)} -c {configuration}: attempt {attempt}, exit code {result.ExitCode}, {result.Elapsed.TotalSeconds:F1} s");
            if (result.ExitCode == 0 || result.TimedOut)
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromSeconds(5 * attempt));
        }
        return result;
    }

    /// <summary>Runs a process, captures its output, kills its process tree after <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // The test host runs under `dotnet test`: do not leak that MSBuild's settings into the child build,
        // and keep build servers (which would outlive the build and hold our output pipes) out of it.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            startInfo.Environment.Remove(name);
        }
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };

        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool timedOut = false;
        using (var cancellation = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync();
            }
        }
        watch.Stop();

        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessResult(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed, timedOut);
            }
        }
    }

    /// <summary>
    /// A machine-wide lock (an exclusively opened file in the temp folder) so that two test processes never build
    /// the samples at the same time.
    /// </summary>
    public static async Task<IDisposable> AcquireBuildLockAsync(TimeSpan timeout)
    {
        var path = Path.Combine(Path.GetTempPath(), "nettricks-samples-build.lock");
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (watch.Elapsed < timeout)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
