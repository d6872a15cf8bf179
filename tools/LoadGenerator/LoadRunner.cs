using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Exchange.LoadGenerator;

/// <summary>
/// Runs the callers for warm-up plus duration. Each caller owns a slice of the accounts (so an account's resting-order
/// list has one writer) and sends one request at a time: a signed HTTP request over the shared keep-alive pool (rest:
/// one order or cancel; batch: up to <c>--batch</c> of them), or an order request on the account's own authenticated
/// WebSocket (ws), waiting for its answer. Open loop (<c>--rate</c>): each caller sends on its own schedule and a
/// request's latency counts from when it was due, so a stall is not hidden by the requests it delayed (no coordinated
/// omission).
/// </summary>
internal sealed class LoadRunner(HttpClient http, LoadOptions options, Market[] markets, TradingAccount[] accounts, LoadStats stats, string mode, Burst burst)
{
    public async Task RunAsync(CancellationToken stop)
    {
        var callers = Enumerable.Range(0, options.Callers).Select(c => Task.Run(() => CallerAsync(c, stop), CancellationToken.None)).ToArray();
        await Task.WhenAll(callers);
    }

    /// <summary>Opens and authenticates a WebSocket per account (before the phase: not measured).</summary>
    public static async Task ConnectAsync(Uri gateway, TradingAccount[] accounts, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(gateway) { Scheme = gateway.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (account, ct) =>
            {
                if (account.Socket is { State: WebSocketState.Open }) return;
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(url, ct);
                await socket.SendAsync(account.Signer.WebSocketAuth(), WebSocketMessageType.Text, true, ct);
                var answer = await ReceiveAsync(socket, account.ReceiveBuffer, ct);
                if (!Encoding.UTF8.GetString(answer.Span).Contains("\"authenticated\"", StringComparison.Ordinal))
                    throw new InvalidOperationException($"account {account.Id}: auth answered {Encoding.UTF8.GetString(answer.Span)}");
                account.Socket = socket;
            });
    }

    private async Task CallerAsync(int caller, CancellationToken stop)
    {
        var mine = accounts.Where((_, i) => i % options.Callers == caller).ToArray();
        var flow = new OrderFlow(markets, options, new Random(options.Seed * 7919 + caller));
        var interval = options.Rate > 0 ? (long)(Stopwatch.Frequency * (double)options.Callers / options.Rate) : 0;
        var due = Stopwatch.GetTimestamp() + Random.Shared.NextInt64(Math.Max(1, interval)); // spread the callers' phases
        var rebased = false;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var start = Stopwatch.GetTimestamp();
            if (interval > 0)
            {
                // A backlog left by the warm-up (cold grains, JIT, new connections) is not the measured phase's latency.
                if (!rebased && stats.Measuring)
                {
                    rebased = true;
                    due = Math.Max(due, start);
                }
                if (due > start)
                {
                    try { await Task.Delay(Stopwatch.GetElapsedTime(start, due), stop); }
                    catch (OperationCanceledException) { return; }
                }
                start = due;
                due += burst.Interval(due, interval);
            }
            var account = mine[n % mine.Length];
            switch (mode)
            {
                case "batch":
                    await SendBatchAsync(account, flow.NextBatch(account), start);
                    break;
                case "ws":
                    await SendOnSocketAsync(account, flow.Next(account), start);
                    break;
                default:
                    await SendAsync(account, flow.Next(account), start);
                    break;
            }
        }
    }

    private async Task SendAsync(TradingAccount account, PlannedRequest planned, long start)
    {
        var (status, body) = await HttpAsync(account, planned);
        var answer = Answer.Read(body);
        var micros = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        stats.Record(planned.Kind, micros, status, answer.Code);
        if (burst.Enabled) stats.Phased(burst.PhaseAt(start), planned.Kind, micros, status, answer.Code);
        Track(account, planned, status, answer);
    }

    private async Task SendBatchAsync(TradingAccount account, PlannedRequest planned, long start)
    {
        var (status, body) = await HttpAsync(account, planned);
        stats.Latency((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        var items = status == 200 ? ItemAnswer.ReadBatch(body) : [];
        if (items.Count == 0)
        {
            var answer = Answer.Read(body);
            for (var i = 0; i < planned.Items; i++) stats.Item(planned.Kind, status, answer.Code ?? (status == 200 ? "UNPARSEABLE_ANSWER" : null));
            return;
        }
        var cancelled = new List<long>();
        foreach (var item in items)
        {
            // Crossing IOC orders inside a batch are counted as placements: the batch's answer does not say which were.
            stats.Item(planned.Kind, item.Status, item.Answer.Code);
            if (planned.Kind == RequestKind.Cancel) continue;
            if (item.Status == 201 && item.Answer.Rests) account.Resting[planned.Market].Add(item.Answer.OrderId);
        }
        if (planned.Kind == RequestKind.Cancel)
        {
            // Gone either way unless the gateway could not tell (5xx): the batch cancels the first ids in the list.
            var resting = account.Resting[planned.Market];
            var taken = resting.Take(planned.Items).ToArray();
            for (var i = 0; i < taken.Length && i < items.Count; i++)
                if (items[i].Status is >= 200 and < 500) resting.Remove(taken[i]);
        }
    }

    private async Task SendOnSocketAsync(TradingAccount account, PlannedRequest planned, long start)
    {
        var id = ++account.RequestId;
        var args = planned.Kind == RequestKind.Cancel
            ? $$"""{"symbol":"{{markets[planned.Market].Symbol}}","orderId":{{planned.OrderId}}}"""
            : Encoding.UTF8.GetString(planned.Body!);
        var op = planned.Kind == RequestKind.Cancel ? "order.cancel" : "order.place";
        var message = Encoding.UTF8.GetBytes($$"""{"op":"{{op}}","id":{{id}},"args":{{args}}}""");
        int status;
        Answer answer;
        try
        {
            var socket = account.Socket!;
            await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
            // One request in flight per socket: the next message is its answer.
            var (answeredId, item) = ItemAnswer.ReadResponse((await ReceiveAsync(socket, account.ReceiveBuffer, CancellationToken.None)).Span);
            (status, answer) = answeredId == id ? (item.Status, item.Answer) : (0, new Answer(0, null, "WRONG_ANSWER_ID"));
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException)
        {
            status = 0;
            answer = new Answer(0, null, "TRANSPORT_" + ex.GetType().Name);
        }
        stats.Record(planned.Kind, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds, status, answer.Code);
        Track(account, planned, status, answer);
    }

    private async Task<(int Status, byte[] Body)> HttpAsync(TradingAccount account, PlannedRequest planned)
    {
        try
        {
            using var request = account.Signer.Sign(planned.Method, planned.PathAndQuery, planned.Body);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, Encoding.UTF8.GetBytes($$"""{"code":"TRANSPORT_{{ex.GetType().Name}}"}"""));
        }
    }

    private static void Track(TradingAccount account, PlannedRequest planned, int status, Answer answer)
    {
        var resting = account.Resting[planned.Market];
        if (planned.Kind == RequestKind.Cancel)
        {
            // Gone either way unless the gateway could not tell (5xx or transport): then keep it and try again later.
            if (status is >= 200 and < 500) resting.Remove(planned.OrderId);
        }
        else if (status == 201 && answer.Rests)
        {
            resting.Add(answer.OrderId);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length) throw new InvalidOperationException("an answer larger than the receive buffer");
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the gateway closed the socket");
            length += received.Count;
            if (received.EndOfMessage) return buffer.AsMemory(0, length);
        }
    }
}
