using System.Text.RegularExpressions;

namespace Exchange.Stress.Report;

/// <summary>
/// Makes ScottPlot's SVG fit to be inlined in the page next to other plots: without its XML declaration, scaling to the
/// page's width, labelled for screen readers, and with its ids (Skia's clip paths) prefixed, so that one plot's
/// <c>url(#cl_4)</c> never picks up another plot's clip path whatever numbering the Skia in use gives them.
/// </summary>
internal static partial class SvgInline
{
    public static string Html(string svg, string prefix, string label, int width, int height)
    {
        var body = XmlDeclaration().Replace(svg, "", 1).Trim();
        body = IdAttribute().Replace(body, m => $"{m.Groups[1].Value}=\"{prefix}{m.Groups[2].Value}\"");
        body = IdReference().Replace(body, m => $"url(#{prefix}{m.Groups[1].Value})");
        body = LocalHref().Replace(body, m => $"{m.Groups[1].Value}=\"#{prefix}{m.Groups[2].Value}\"");
        return SvgOpening().Replace(body,
            $"<svg class=\"plot\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Format.Html(label)}\" ", 1);
    }

    [GeneratedRegex(@"<\?xml[^>]*\?>")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"\b(id)=""([^""]+)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex IdReference();

    [GeneratedRegex(@"\b((?:xlink:)?href)=""#([^""]+)""")]
    private static partial Regex LocalHref();

    [GeneratedRegex(@"<svg\s")]
    private static partial Regex SvgOpening();
}
