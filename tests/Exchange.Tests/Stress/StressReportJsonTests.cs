using Exchange.Stress.Report;
using Exchange.Stress.Results;

namespace Exchange.Tests.Stress;

/// <summary>
/// <c>result.json</c> holds the run exactly: read back, it equals what was written, field by field and point by point
/// (records compare their lists by reference, so each list is compared element by element).
/// </summary>
public sealed class StressReportJsonTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("stress-json-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void The_result_read_back_from_result_json_equals_what_was_written()
    {
        var written = SampleStressResult.Crash();
        HtmlReport.Write(written, _directory.FullName);

        var read = ResultJson.Read(File.ReadAllText(Path.Combine(_directory.FullName, "result.json")));

        AssertEqual(written, read);
    }

    [Fact]
    public void An_empty_run_round_trips_too()
    {
        var written = SampleStressResult.Empty();

        AssertEqual(written, ResultJson.Read(ResultJson.Write(written)));
    }

    [Fact]
    public void Decimals_keep_every_digit_and_times_keep_their_offset()
    {
        var sample = SampleStressResult.Crash();
        var written = sample with
        {
            Run = sample.Run with { StartedAt = new DateTimeOffset(2026, 12, 6, 13, 0, 0, 123, TimeSpan.FromHours(1)) },
            Series = sample.Series with { BadDebt = [new BadDebtPoint(1, 79_228_162_514_264.337593543950335m), new BadDebtPoint(2, 0.00000001m)] },
        };

        var read = ResultJson.Read(ResultJson.Write(written));

        Assert.Equal(written.Series.BadDebt, read.Series.BadDebt);
        Assert.Equal(written.Run.StartedAt, read.Run.StartedAt);
        Assert.Equal(written.Run.StartedAt.Offset, read.Run.StartedAt.Offset);
    }

    private static void AssertEqual(StressResult written, StressResult read)
    {
        Assert.Equal(written.Scenario with { Markets = [] }, read.Scenario with { Markets = [] });
        Assert.Equal(written.Scenario.Markets, read.Scenario.Markets);
        Assert.Equal(written.Run, read.Run);
        Assert.Equal(written.Series.Prices, read.Series.Prices);
        Assert.Equal(written.Series.Breakers, read.Series.Breakers);
        Assert.Equal(written.Series.Liquidations, read.Series.Liquidations);
        Assert.Equal(written.Series.InsuranceFunds, read.Series.InsuranceFunds);
        Assert.Equal(written.Series.OpenInterest, read.Series.OpenInterest);
        Assert.Equal(written.Series.BadDebt, read.Series.BadDebt);
        Assert.Equal(written.Series.OrderLatency, read.Series.OrderLatency);
        Assert.Equal(written.Series.Cancels, read.Series.Cancels);
        Assert.Equal(written.Timeline, read.Timeline);
        Assert.Equal(written.Summary with { Outages = [] }, read.Summary with { Outages = [] });
        Assert.Equal(written.Summary.Outages, read.Summary.Outages);
        Assert.Equal(written.Verdicts, read.Verdicts);
        Assert.Equal(written.Passed, read.Passed);
    }
}
