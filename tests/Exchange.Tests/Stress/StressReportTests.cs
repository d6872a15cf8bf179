using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Exchange.Stress.Report;
using Exchange.Stress.Results;

namespace Exchange.Tests.Stress;

/// <summary>
/// The stress report written from a run built by hand: one self-contained page a risk manager can read (every plot
/// inline, no request leaving the page, the failing verdict shown failing, the story told in numbers), the plots beside
/// it as valid SVG files, and a run that observed nothing still producing a readable page.
/// </summary>
public sealed partial class StressReportTests : IDisposable
{
    private static readonly string[] CrashPlots =
    [
        "prices-BTC-PERP.svg", "prices-ETH-PERP.svg", "liquidations.svg", "liquidation-handled.svg", "insurance-fund.svg",
        "bad-debt.svg", "open-interest.svg", "order-latency.svg", "cancels.svg",
    ];

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("stress-report-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void The_page_is_self_contained_with_every_plot_inline_and_in_plots()
    {
        var index = HtmlReport.Write(SampleStressResult.Crash(), _directory.FullName);

        Assert.Equal(Path.Combine(_directory.FullName, "index.html"), index);
        var html = File.ReadAllText(index);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);

        var page = Page(index);
        var figures = page.Descendants("figure").ToList();
        Assert.Equal(CrashPlots.Order(), figures.Select(f => (string)f.Attribute("data-plot")!).Order());
        Assert.All(figures, figure => Assert.Single(figure.Elements(Svg + "svg")));

        // Each inline plot's clip paths are its own: ids are unique in the page and every reference finds its id.
        var ids = page.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (Match reference in UrlReference().Matches(html)) Assert.Contains(reference.Groups[1].Value, ids);

        var files = Directory.GetFiles(Path.Combine(_directory.FullName, "plots")).Select(Path.GetFileName);
        Assert.Equal(CrashPlots.Order(), files.Order());
        foreach (var file in CrashPlots)
            Assert.Equal(Svg + "svg", XDocument.Load(Path.Combine(_directory.FullName, "plots", file)).Root!.Name);
    }

    [Fact]
    public void The_verdict_table_shows_the_failing_verdict_failing_and_the_page_says_failed()
    {
        var page = Page(HtmlReport.Write(SampleStressResult.Crash(), _directory.FullName));

        var rows = page.Descendants("tr").Where(r => r.Attribute("data-verdict") is not null).ToList();
        Assert.Equal(6, rows.Count);
        var failing = Assert.Single(rows, r => (string)r.Attribute("class")! == "fails");
        Assert.Equal("money-difference", (string)failing.Attribute("data-verdict")!);
        var cells = failing.Elements("td").Select(c => c.Value).ToList();
        Assert.Equal(["5", "0", "FAILS"], cells.Skip(1).Take(3));
        var holding = rows.Single(r => (string)r.Attribute("data-verdict")! == "acknowledged-orders-lost");
        Assert.Equal("holds", (string)holding.Attribute("class")!);
        Assert.Equal("FAILED", page.Descendants("h1").Single().Descendants("span").Single().Value);

        var sample = SampleStressResult.Crash();
        var passing = Page(HtmlReport.Write(sample with { Verdicts = sample.Verdicts.Where(v => v.Holds).ToList() }, _directory.FullName));
        Assert.Equal("PASSED", passing.Descendants("h1").Single().Descendants("span").Single().Value);
        Assert.DoesNotContain(passing.Descendants("tr"), r => (string?)r.Attribute("class") == "fails");
    }

    [Fact]
    public void What_happened_tells_the_run_in_its_numbers()
    {
        var page = Page(HtmlReport.Write(SampleStressResult.Crash(), _directory.FullName));

        var story = string.Join(" ", page.Descendants("section").Single(s => (string)s.Attribute("id")! == "what-happened")
            .Elements("p").Select(p => p.Value));
        Assert.Contains("1 of 6 checks FAILS: money-difference (observed 5, expected 0)", story);
        Assert.Contains("BTC-PERP: the index went from 64,000 to 51,200 (-20.0%)", story);
        Assert.Contains("it tripped its breaker twice (band, velocity)", story);
        Assert.Contains("reopened by auction at 57,100", story);
        Assert.Contains("ETH-PERP: the index held at 3,200", story);
        Assert.Contains("it was halted once (index-stale)", story);
        Assert.Contains("37 accounts were liquidated in 38 steps: 30 through the book, 5 taken over by the insurance fund, " +
            "2 auto-deleveraged (ADL), 1 bad debt", story);
        Assert.Contains("a median 350 ms after their mark crossed maintenance, 99% within 1.2 s, the slowest after 1.85 s", story);
        Assert.Contains("The BTC-PERP insurance fund lost 1,234 USD of its 2,000 USD cap", story);
        Assert.Contains("The ETH-PERP insurance fund did not change", story);
        Assert.Contains("ADL deleveraged 1,500.5 USD against a shortfall of 1,400 USD", story);
        Assert.Contains("150 USD of losses were left uncovered and booked as bad debt", story);
        Assert.Contains("Traders sent 12,345 orders: 11,900 acknowledged, 420 refused, 25 without a definite answer; " +
            "no acknowledged order was lost", story);
        Assert.Contains("the worst second's p99 was 900 ms (at 40.0 s)", story);
        Assert.Contains("After \"kill silo\" at 50.0 s, traders waited 3.2 s for the next acknowledged order", story);
    }

    [Fact]
    public void Text_from_the_run_is_shown_as_text_never_as_markup()
    {
        var index = HtmlReport.Write(SampleStressResult.Crash(), _directory.FullName);
        var page = Page(index);

        Assert.Empty(page.Descendants("all"));
        var timeline = page.Descendants("table").Single(t => (string)t.Attribute("class")! == "timeline");
        Assert.Contains(timeline.Descendants("td"), cell => cell.Value == SampleStressResult.FaultText);
        Assert.Contains("paused (velocity)", timeline.Value);
        Assert.Contains("until the run ended", timeline.Value);
    }

    [Fact]
    public void A_run_that_observed_nothing_still_renders_every_plot_with_a_message()
    {
        var index = HtmlReport.Write(SampleStressResult.Empty(), _directory.FullName);

        var page = Page(index);
        var plots = page.Descendants("figure").Select(f => (string)f.Attribute("data-plot")!).Order().ToList();
        Assert.Equal(CrashPlots.Where(p => p != "prices-ETH-PERP.svg").Order(), plots);
        Assert.All(page.Descendants("figure"), figure => Assert.Single(figure.Elements(Svg + "svg")));
        var html = File.ReadAllText(index);
        Assert.Contains("no liquidations in this run", html);
        Assert.Contains("no prices observed for BTC-PERP in this run", html);
        Assert.Contains("no order was acknowledged in this run", html);
        Assert.Contains("This run checked no verdicts.", html);
        Assert.Contains("No account was liquidated.", html);
        Assert.Contains("BTC-PERP: no prices or breaker states were observed.", html);
        Assert.Equal("NOTHING CHECKED", page.Descendants("h1").Single().Descendants("span").Single().Value);
        foreach (var file in Directory.GetFiles(Path.Combine(_directory.FullName, "plots")))
            Assert.Equal(Svg + "svg", XDocument.Load(file).Root!.Name);
    }

    [Fact]
    public void Writing_again_into_the_same_directory_leaves_only_the_new_runs_plots()
    {
        HtmlReport.Write(SampleStressResult.Crash(), _directory.FullName);
        HtmlReport.Write(SampleStressResult.Empty(), _directory.FullName);

        var files = Directory.GetFiles(Path.Combine(_directory.FullName, "plots")).Select(Path.GetFileName);
        Assert.DoesNotContain("prices-ETH-PERP.svg", files);
    }

    [Fact]
    public void A_hundred_thousand_liquidations_draw_as_small_plots_and_are_all_counted()
    {
        var sample = SampleStressResult.Crash();
        string[] outcomes = ["book", "book", "fund", "adl"];
        var steps = Enumerable.Range(0, 100_000)
            .Select(i => new LiquidationPoint(40_000 + i / 50, "BTC-PERP", $"acct-{i}", "sell", 0.01m, 56_000m, outcomes[i % 4], 10 + i % 1_990, null))
            .ToList();
        var result = sample with
        {
            Series = sample.Series with { Liquidations = steps },
            Summary = sample.Summary with { AccountsLiquidated = 100_000 },
        };

        var page = Page(HtmlReport.Write(result, _directory.FullName));

        Assert.Contains(page.Descendants("p"), p => p.Value.StartsWith(
            "100,000 accounts were liquidated in 100,000 steps: 50,000 through the book, 25,000 taken over by the insurance fund, " +
            "25,000 auto-deleveraged (ADL).", StringComparison.Ordinal));
        foreach (var plot in new[] { "liquidations.svg", "liquidation-handled.svg" })
        {
            var size = new FileInfo(Path.Combine(_directory.FullName, "plots", plot)).Length;
            Assert.True(size < 400_000, $"{plot} is {size} bytes");
        }
    }

    [Fact]
    public void The_same_svg_inlined_twice_gets_distinct_ids_that_its_references_follow()
    {
        const string svg = """
            <?xml version="1.0" encoding="utf-8" ?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
            <clipPath id="cl_4"><rect width="5" height="5"/></clipPath><g clip-path="url(#cl_4)"><use xlink:href="#cl_4"/></g></svg>
            """;

        var page = XElement.Parse($"<div>{SvgInline.Html(svg, "a-", "first", 10, 10)}{SvgInline.Html(svg, "b-", "second", 10, 10)}</div>");

        var plots = page.Elements(Svg + "svg").ToList();
        Assert.Equal(["a-cl_4", "b-cl_4"], plots.Select(p => (string)p.Descendants(Svg + "clipPath").Single().Attribute("id")!));
        Assert.Equal(["url(#a-cl_4)", "url(#b-cl_4)"], plots.Select(p => (string)p.Descendants(Svg + "g").Single().Attribute("clip-path")!));
        Assert.Equal(["#a-cl_4", "#b-cl_4"], plots.Select(p => (string)p.Descendants(Svg + "use").Single().Attribute(XLink + "href")!));
        Assert.Equal(["0 0 10 10", "0 0 10 10"], plots.Select(p => (string)p.Attribute("viewBox")!));
        Assert.Equal(["first", "second"], plots.Select(p => (string)p.Attribute("aria-label")!));
    }

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    /// <summary>The page is written as well-formed XHTML (so its structure can be checked exactly); the doctype is HTML5's.</summary>
    private static XDocument Page(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    /// <summary>Anything the browser would fetch from elsewhere: an absolute or protocol-relative src, href or url().</summary>
    [GeneratedRegex(@"(?:src|href)\s*=\s*[""']?\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(\s*[""']?\s*(?:[a-z][a-z0-9+.-]*:|//)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlReference();
}
