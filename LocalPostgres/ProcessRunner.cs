using System.Diagnostics;
using System.Text;

namespace Exchange.LocalPostgres;

/// <summary>Output of a finished child process.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the full command line and output, which is what one needs to debug a failed tool.</summary>
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{what} failed (exit code {ExitCode}): {CommandLine}\n" +
                $"--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
        }
        return this;
    }
}

/// <summary>Runs a command to completion, capturing its output, with a hard deadline.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Closed stdin: a tool that unexpectedly prompts (su asking for a password)
            // fails at once instead of hanging until the deadline.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));

        using var process = new Process { StartInfo = startInfo };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };

        if (!process.Start())
            throw new InvalidOperationException($"Could not start {commandLine}");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{commandLine} did not finish within {timeout}. Output so far:\n{stdout}{stderr}");
        }

        lock (stdout)
        lock (stderr)
            return new ProcessResult(commandLine, process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
