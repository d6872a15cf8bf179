namespace Exchange.Stress.Report;

/// <summary>
/// One drawn plot: the file it is saved as under <c>plots/</c>, the heading and the sentence the page puts above it
/// (what to look for), and ScottPlot's SVG.
/// </summary>
internal sealed record ReportPlot(string File, string Title, string Caption, string Svg);
