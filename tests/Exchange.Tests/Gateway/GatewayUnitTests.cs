using System.Text;
using Exchange.Accounts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Orders;
using Exchange.Client.Security;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Gateway;

/// <summary>The gateway's pure parts: number syntax and units, the signature, error mapping, the order fold.</summary>
public sealed class GatewayUnitTests
{
    private static readonly MarketSpec Spec = new("BTC-PERP", 0.5m, 0.001m, 1, 2_000_000, 1, 1_000_000, 200);

    [Theory]
    [InlineData("65000.5", true)]
    [InlineData("0.001", true)]
    [InlineData("7", true)]
    [InlineData("", false)]
    [InlineData(" 1", false)]
    [InlineData("1 ", false)]
    [InlineData("+1", false)]
    [InlineData("-1", false)]
    [InlineData("1e3", false)]
    [InlineData(".5", false)]
    [InlineData("5.", false)]
    [InlineData("1,000", false)]
    [InlineData("0x10", false)]
    [InlineData("NaN", false)]
    [InlineData("Infinity", false)]
    [InlineData("١٢", false)]
    [InlineData("99999999999999999999", false)]
    [InlineData("1.0000000000000000001", false)]
    [InlineData("1234567890123456789.123456789012345678", false)] // 37 significant digits: decimal would round them
    [InlineData("9999999999999999999.99999999999", false)]
    [InlineData("1234567890123456789.12345678", true)]             // 27 digits: exact
    [InlineData("000123.4500", true)]
    [InlineData("0.000000000000000001", true)]
    public void Only_plain_decimal_strings_parse(string text, bool valid) =>
        Assert.Equal(valid, DecimalText.TryParse(text, out _));

    [Fact]
    public void Prices_and_sizes_must_be_whole_ticks_and_lots_inside_the_spec()
    {
        Assert.Equal(130_001, Units.Ticks(Spec, "65000.5"));
        Assert.Equal(130_001, Units.Ticks(Spec, "65000.50000"));
        Assert.Equal(250, Units.Lots(Spec, "0.25"));
        Assert.Equal(ErrorCodes.InvalidPrice, Assert.Throws<ApiException>(() => Units.Ticks(Spec, "65000.25")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidPrice, Assert.Throws<ApiException>(() => Units.Ticks(Spec, "0")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidPrice, Assert.Throws<ApiException>(() => Units.Ticks(Spec, "1000000.5")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidSize, Assert.Throws<ApiException>(() => Units.Lots(Spec, "0.0005")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidSize, Assert.Throws<ApiException>(() => Units.Lots(Spec, "1000000")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidAmount, Assert.Throws<ApiException>(() => Units.Micros("0.0000001")).Error.Code);
        Assert.Equal(ErrorCodes.InvalidAmount, Assert.Throws<ApiException>(() => Units.Micros("0")).Error.Code);
        Assert.Equal(1_500_000, Units.Micros("1.5"));
        Assert.False(Units.TryWhole("9999999999999999999.999999999999999999", 0.000000000000000001m, out _));
    }

    [Fact]
    public void Numbers_come_back_in_their_shortest_form()
    {
        Assert.Equal("65000.5", Units.Price(Spec, 130_001));
        Assert.Equal("65000", Units.Price(Spec, 130_000));
        Assert.Equal("0.001", Units.Size(Spec, 1));
        Assert.Equal("1.5", Units.Money(1_500_000));
        Assert.Equal("0.000001", Units.Money(1));
        Assert.Equal("100.25", Units.AveragePrice(Spec, 200 * 1 + 201 * 1, 2));
    }

    [Fact]
    public void The_signature_is_lower_case_hex_hmac_sha256_over_timestamp_method_path_and_body()
    {
        // Computed independently: printf '%s\n%s' '1700000000000POST/api/v1/orders?x=1' '{"a":1}' | openssl dgst -sha256 -hmac secret
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var signature = RequestSignature.Compute("secret", "1700000000000", "POST", "/api/v1/orders?x=1", body);
        Assert.Equal(KnownSignature, signature);
        var key = Encoding.UTF8.GetBytes("secret");
        Assert.True(RequestSignature.Matches(key, "1700000000000", "POST", "/api/v1/orders?x=1", body, signature));
        Assert.False(RequestSignature.Matches(key, "1700000000000", "POST", "/api/v1/orders?x=1", body, signature.ToUpperInvariant()));
        Assert.False(RequestSignature.Matches(key, "1700000000001", "POST", "/api/v1/orders?x=1", body, signature));
        Assert.False(RequestSignature.Matches(key, "1700000000000", "GET", "/api/v1/orders?x=1", body, signature));
        Assert.False(RequestSignature.Matches(key, "1700000000000", "POST", "/api/v1/orders?x=2", body, signature));
        Assert.False(RequestSignature.Matches(key, "1700000000000", "POST", "/api/v1/orders?x=1", "{}"u8, signature));
        Assert.False(RequestSignature.Matches(key, "1700000000000", "POST", "/api/v1/orders?x=1", body, signature[..^1]));
    }

    private const string KnownSignature = "05d0aac619a7e0afd2803b415d0d7ff790004825d82c431588d3ae4b6ef76c7e";

    [Fact]
    public void A_secret_decrypts_only_under_its_own_key_and_api_key()
    {
        var protector = SecretProtector.WithNewKey();
        var blob = protector.Protect("s3cret", "key-a");
        Assert.Equal("s3cret", Encoding.UTF8.GetString(protector.Unprotect(blob, "key-a")!));
        Assert.Null(protector.Unprotect(blob, "key-b"));
        Assert.Null(SecretProtector.WithNewKey().Unprotect(blob, "key-a"));
        Assert.DoesNotContain("s3cret", Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_refusal_the_grains_can_give_has_its_own_stable_code()
    {
        var codes = new List<string>();
        foreach (var reason in Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None))
            codes.Add(RejectionErrors.For(reason).Code);
        foreach (var reject in Enum.GetValues<AccountReject>().Where(r => r != AccountReject.None))
            codes.Add(RejectionErrors.For(reject).Code);
        Assert.DoesNotContain(ErrorCodes.InternalError, codes);
        Assert.All(codes, code => Assert.Matches("^[A-Z_]+$", code));
        Assert.Equal(ErrorCodes.OutcomeUnknown, RejectionErrors.For(CommandStatus.Unknown, null).Code);
        Assert.Equal(503, RejectionErrors.For(CommandStatus.Unknown, null).Status);
        Assert.Equal(ErrorCodes.ServiceUnavailable, RejectionErrors.For(CommandStatus.Failed, null).Code);
        Assert.Equal(ErrorCodes.InsufficientMargin, RejectionErrors.For(AccountReject.InsufficientMargin).Code);
        Assert.Equal(ErrorCodes.PostOnlyWouldTake, RejectionErrors.For(RejectReason.PostOnlyWouldTake).Code);
    }

    [Fact]
    public void An_unanswered_command_names_the_exception_and_a_database_errors_code()
    {
        var database = RejectionErrors.NotAnswered(new Npgsql.PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"));
        var timeout = RejectionErrors.NotAnswered(new TimeoutException());
        Assert.Equal((503, ErrorCodes.OutcomeUnknown), (database.Status, database.Code));
        Assert.StartsWith("the cluster did not answer (PostgresException 53300);", database.Detail, StringComparison.Ordinal);
        Assert.StartsWith("the cluster did not answer (TimeoutException);", timeout.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_refused_for_want_of_the_journal_is_a_definite_refusal_not_an_unknown_outcome()
    {
        var refused = RejectionErrors.For(CommandOutcome.Fail("BTC-PERP cannot load its journal", journalUnavailable: true));
        Assert.Equal((503, ErrorCodes.JournalUnavailable), (refused.Status, refused.Code));
        Assert.Contains("not applied", refused.Detail, StringComparison.Ordinal);
        // Not applied for another reason (a fenced write, an engine fault): definite too, under the general code.
        Assert.Equal("SERVICE_UNAVAILABLE", RejectionErrors.For(CommandOutcome.Fail("another activation of this market is writing its journal")).Code);
        Assert.Equal(ErrorCodes.OutcomeUnknown, RejectionErrors.For(CommandOutcome.Unknown("in flight")).Code);
    }

    [Fact]
    public async Task A_call_the_cluster_refused_to_deliver_is_repeated_a_bounded_number_of_times()
    {
        var calls = 0;
        Task<int> RejectedTwice() => ++calls <= 2 ? Task.FromException<int>(new SiloUnavailableException()) : Task.FromResult(calls);
        Assert.Equal(3, await ClusterRetry.Run(RejectedTwice));

        calls = 0;
        Task<int> AlwaysRejected() { calls++; return Task.FromException<int>(new SiloUnavailableException("the silo is dead")); }
        await Assert.ThrowsAsync<SiloUnavailableException>(() => ClusterRetry.Run(AlwaysRejected));
        Assert.Equal(ClusterRetry.Delays.Length + 1, calls);

        calls = 0; // a timeout may mean the call is running: never repeated
        Task<int> TimedOut() { calls++; return Task.FromException<int>(new TimeoutException()); }
        await Assert.ThrowsAsync<TimeoutException>(() => ClusterRetry.Run(TimedOut));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void An_accounts_events_fold_into_its_orders_and_fills()
    {
        var buy = new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 10, ClientOrderId: "b");
        var sell = new PlaceOrder(8, Side.Sell, OrderType.Limit, 99, 4);
        MarketEvent[] events =
        [
            MarketEvent.Accepted(1, 1000, 1, buy, 100),
            MarketEvent.Accepted(2, 2000, 2, sell, 99),
            MarketEvent.Trade(3, 2000, 2, 8, Side.Sell, 1, 7, 100, 4, 0, 6),
            MarketEvent.Amended(4, 3000, 1, 7, Side.Buy, 101, 5, 100, 6),
            MarketEvent.Cancelled(5, 4000, 1, 7, Side.Buy, 101, 5, CancelReason.Requested),
        ];
        var mine = OrderHistory.Of("X", 7, events);
        var order = Assert.Single(mine.Orders.Values);
        Assert.Equal((1L, "b", 4L, 9L, 0L, OrderStatus.Cancelled), (order.OrderId, order.ClientOrderId, order.Filled, order.Size, order.Remaining, order.Status));
        var fill = Assert.Single(mine.Fills);
        Assert.Equal((Side.Buy, 100L, 4L, true), (fill.Side, fill.Price, fill.Size, fill.Maker));

        var theirs = OrderHistory.Of("X", 8, events);
        Assert.Equal(OrderStatus.Filled, Assert.Single(theirs.Orders.Values).Status);
        Assert.False(Assert.Single(theirs.Fills).Maker);
    }

    [Fact]
    public void Unfilled_immediate_orders_expire()
    {
        var ioc = new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 10, TimeInForce.ImmediateOrCancel);
        var history = OrderHistory.Of("X", 7,
            [MarketEvent.Accepted(1, 1, 1, ioc, 100), MarketEvent.Cancelled(2, 1, 1, 7, Side.Buy, 100, 10, CancelReason.Unfilled)]);
        Assert.Equal(OrderStatus.Expired, history.Orders[1].Status);
    }
}
