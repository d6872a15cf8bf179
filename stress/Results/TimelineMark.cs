namespace Exchange.Stress.Results;

/// <summary>
/// Something that happened at one moment and is drawn as a vertical line on every plot: a fault the scenario injected
/// (<c>fault</c>), a fault ending (<c>recovered</c>), or a phase of the scenario (<c>phase</c>).
/// </summary>
public sealed record TimelineMark(long T, string Kind, string Text);
