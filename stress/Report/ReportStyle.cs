namespace Exchange.Stress.Report;

/// <summary>The page's stylesheet, inlined so the report is one file that opens anywhere, offline.</summary>
internal static class ReportStyle
{
    public const string Css = """
        body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1rem 1.5rem 3rem; color: #1c1c1c; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
        h3 { font-size: 1.05rem; margin: 1.6rem 0 0.2rem; }
        .outcome { display: inline-block; padding: 0.15rem 0.7rem; border-radius: 0.3rem; font-weight: bold; color: white; }
        .outcome.passed { background: #2e7d32; }
        .outcome.failed { background: #c62828; }
        .outcome.unchecked { background: #757575; }
        .description { color: #444; }
        .narrative p { margin: 0.4rem 0; }
        table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.92rem; }
        th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #f4f4f4; }
        tbody th { font-weight: normal; color: #333; background: #fafafa; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.holds td.holds-cell { background: #e6f4ea; color: #1b5e20; font-weight: bold; }
        tr.fails td { background: #fdecea; }
        tr.fails td.holds-cell { color: #b71c1c; font-weight: bold; }
        .meaning { color: #666; font-size: 0.82rem; }
        figure { margin: 0.4rem 0 1.2rem; }
        figcaption { color: #444; font-size: 0.9rem; margin-bottom: 0.3rem; }
        svg.plot { width: 100%; height: auto; border: 1px solid #eee; }
        .empty { color: #666; font-style: italic; }
        tr.fault td { color: #b71c1c; }
        tr.recovered td { color: #1b5e20; }
        footer { margin-top: 2.5rem; color: #777; font-size: 0.85rem; }
        """;
}
