using System.Collections.Concurrent;
using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Continuous random flow into one market through <see cref="IAccountGrain"/>, from several concurrent client
/// loops: limit orders a few ticks either side of a fixed mid (some crossing, some IOC), cancels of orders
/// acknowledged earlier, and small deposits and withdrawals. A call that fails or passes the loop's deadline (a
/// silo died under it) is counted and the loop goes on. Every order answered Committed with its OrderAccepted
/// event, and every transfer answered without a reject, is recorded as acknowledged, even when the answer arrives
/// after the loop stopped waiting for it.
/// </summary>
internal sealed class TradingLoad(IClusterClient client, string symbol, long[] accounts, int seed, long mid = 10_000)
{
    /// <summary>How long a loop waits for one call before moving on (the call keeps its own, longer timeout).</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);

    /// <summary>How long a stop waits for calls that passed a loop's deadline.</summary>
    private static readonly TimeSpan LateCallGrace = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<long, ConcurrentQueue<string>> _open = new();
    private readonly ConcurrentDictionary<Task, byte> _late = new();
    private readonly List<Task> _loops = [];
    private volatile bool _stopping;
    private int _calls, _failures, _timeouts, _refusals, _cancels;

    /// <summary>(account, client order id) of every acknowledged order.</summary>
    public ConcurrentDictionary<(long Account, string ClientOrderId), byte> Acknowledged { get; } = new();

    /// <summary>(account, transfer id) of every acknowledged transfer, with its amount (negative: a withdrawal).</summary>
    public ConcurrentDictionary<(long Account, string TransferId), long> Transfers { get; } = new();

    public int AcknowledgedCount => Acknowledged.Count;

    public string Summary =>
        $"{Volatile.Read(ref _calls)} calls: {Acknowledged.Count} orders acknowledged, {Volatile.Read(ref _cancels)} cancels " +
        $"committed, {Transfers.Count} transfers applied, {Volatile.Read(ref _refusals)} refused by the account, " +
        $"{Volatile.Read(ref _failures)} failed, {Volatile.Read(ref _timeouts)} past the loop's deadline";

    public void Start(int loops)
    {
        for (var i = 0; i < loops; i++)
        {
            var loop = i;
            _loops.Add(Task.Run(() => Run(loop)));
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> orders are acknowledged in all.</summary>
    public Task WaitForAcknowledgements(int count, TimeSpan within) => Eventually(() =>
    {
        Require(Acknowledged.Count >= count, $"only {Acknowledged.Count} of {count} orders acknowledged; {Summary}");
        return Task.CompletedTask;
    }, within);

    /// <summary>
    /// Stops the loops and waits for them, then gives calls still out (past a loop's deadline) a few seconds more.
    /// A call lost with a killed silo answers only at its 30 s response timeout; it was never acknowledged, and
    /// the checks after a stop poll until the state is settled, so it need not be waited for.
    /// </summary>
    public async Task StopAsync(TimeSpan within)
    {
        _stopping = true;
        await Task.WhenAll(_loops).WaitAsync(within);
        try { await Task.WhenAll(_late.Keys).WaitAsync(LateCallGrace); }
        catch (TimeoutException) { }
    }

    private async Task Run(int loop)
    {
        var random = new Random(seed * 100 + loop);
        var n = 0;
        while (!_stopping)
        {
            var account = accounts[random.Next(accounts.Length)];
            var grain = client.GetGrain<IAccountGrain>(account);
            var open = _open.GetOrAdd(account, _ => new ConcurrentQueue<string>());
            var roll = random.Next(100);
            Task observed;
            if (roll < 5)
            {
                var transferId = $"T{loop}-{n++}";
                var amount = random.Next(1, 100) * Usd;
                observed = roll < 2
                    ? ObserveTransfer(grain.Deposit(amount, transferId), account, transferId, amount)
                    : ObserveTransfer(grain.Withdraw(amount, transferId), account, transferId, -amount);
            }
            else if (roll < 30 && open.TryDequeue(out var victim))
            {
                observed = ObserveOrder(grain.CancelOrder(symbol, new CancelOrder(0, 0, victim)), account, null, open);
            }
            else
            {
                var clientOrderId = $"L{loop}-{n++}";
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                var away = random.Next(-3, 8); // ticks away from the mid on the passive side; negative crosses
                var price = side == Side.Buy ? mid - away : mid + away;
                var timeInForce = random.Next(8) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel;
                observed = ObserveOrder(grain.PlaceOrder(symbol, Limit(side, price, random.Next(1, 20), clientOrderId, timeInForce)),
                    account, clientOrderId, open);
            }
            Interlocked.Increment(ref _calls);
            try
            {
                await observed.WaitAsync(CallDeadline);
            }
            catch (TimeoutException)
            {
                Interlocked.Increment(ref _timeouts);
                _late.TryAdd(observed, 0);
            }
        }
    }

    /// <summary>Records an order call's answer whenever it comes; never throws.</summary>
    private async Task ObserveOrder(Task<AccountOrderResult> call, long account, string? clientOrderId, ConcurrentQueue<string> open)
    {
        try
        {
            var result = await call;
            if (result.Reject != AccountReject.None) { Interlocked.Increment(ref _refusals); return; }
            if (result.Outcome is not { Status: CommandStatus.Committed } outcome) { Interlocked.Increment(ref _failures); return; }
            if (clientOrderId is null) { Interlocked.Increment(ref _cancels); return; }
            if (outcome.Events.Any(e => e.Kind == EventKind.OrderAccepted && e.ClientOrderId == clientOrderId))
            {
                Acknowledged.TryAdd((account, clientOrderId), 0);
                open.Enqueue(clientOrderId);
            }
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    private async Task ObserveTransfer(Task<TransferResult> call, long account, string transferId, long signedAmount)
    {
        try
        {
            var result = await call;
            if (result.Reject == AccountReject.None) Transfers.TryAdd((account, transferId), signedAmount);
            else Interlocked.Increment(ref _refusals);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failures);
        }
    }
}
