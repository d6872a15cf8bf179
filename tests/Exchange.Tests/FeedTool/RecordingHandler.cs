using System.Net;
using System.Text;

namespace Exchange.Tests.FeedTool;

/// <summary>Stands in for the gateway: records each request (with its body) and answers from a script, in order.</summary>
internal sealed class RecordingHandler(params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
{
    private int _next;

    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://127.0.0.1:5999") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (Requests) Requests.Add((request, body));
        var (status, text) = answers[Math.Min(Interlocked.Increment(ref _next) - 1, answers.Length - 1)];
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json"), RequestMessage = request };
    }
}
