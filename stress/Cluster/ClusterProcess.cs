using System.Diagnostics;
using System.Globalization;

namespace Exchange.Stress.Cluster;

/// <summary>One silo or gateway process of a <see cref="ProcessCluster"/>, its log, and the signals a fault sends it.</summary>
public sealed class ClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _closed;

    internal ClusterProcess(string name, Process process, string logPath, int httpPort, bool isSilo)
    {
        (Name, _process, LogPath, HttpPort, IsSilo) = (name, process, logPath, httpPort, isSilo);
        _log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public string LogPath { get; }
    public int HttpPort { get; }
    public bool IsSilo { get; }
    public int SiloPort { get; internal set; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>CPU time the process has used so far (user and system), for a cost per request.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The exit code once the process has exited (0: it stopped by itself, cleanly).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The process's own HTTP endpoint: a silo's health port, the gateway's API.</summary>
    public Uri Health => new($"http://127.0.0.1:{HttpPort}");

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log)
            if (!_closed) _log.WriteLine(line);
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the graceful stop an orchestrator sends before it removes a container.</summary>
    public void Terminate() => Signal("TERM");

    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed ({kill.ExitCode})");
    }

    public string Tail(int lines)
    {
        var all = new List<string>();
        using (var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            while (reader.ReadLine() is { } line) all.Add(line);
        return $"--- {Name} (pid {_process.Id}{(HasExited ? ", exited" : "")})\n" + string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Thaw(); // a frozen process cannot die until it runs again
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
        _process.Dispose();
    }
}
