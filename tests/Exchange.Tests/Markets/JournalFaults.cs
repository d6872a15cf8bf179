using Exchange.Journal;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Markets;

/// <summary>
/// Ways to make the real journal fail. The trigger makes PostgreSQL itself refuse appends for chosen markets;
/// <see cref="ReplyWithholdingJournal"/> wraps the real PostgreSQL journal and, after a real commit, never
/// returns, as if the silo died between commit and reply.
/// </summary>
internal static class JournalFaults
{
    public static Task InstallAppendFailureTrigger(string database) => Sql.ExecuteAsync(database, """
        create table if not exists test_failing_markets (market text primary key);
        create or replace function test_fail_append() returns trigger language plpgsql as $$
        begin
            if exists (select 1 from test_failing_markets where market = new.market) then
                raise exception 'injected append failure for %', new.market;
            end if;
            return new;
        end $$;
        drop trigger if exists test_fail_append on market_journal;
        create trigger test_fail_append before insert on market_journal for each row execute function test_fail_append();
        """);

    public static Task FailAppends(string database, string market) =>
        Sql.ExecuteAsync(database, $"insert into test_failing_markets values ('{market}')");

    public static Task HealAppends(string database, string market) =>
        Sql.ExecuteAsync(database, $"delete from test_failing_markets where market = '{market}'");
}

/// <summary>After the next committed append for <see cref="Market"/>, throws as if the reply had been lost on the way.</summary>
internal sealed class ReplyLosingJournal(IMarketJournal inner) : DelegatingJournal(inner)
{
    public string? Market { get; set; }

    public override async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        await Inner.Append(market, batch, cancellationToken);
        if (market != Market) return;
        Market = null;
        throw new IOException("injected: the connection broke after the commit");
    }

}

/// <summary>After a committed append for <see cref="Market"/>, signals <see cref="Committed"/> and never returns.</summary>
internal sealed class ReplyWithholdingJournal(IMarketJournal inner) : DelegatingJournal(inner)
{
    public string? Market { get; set; }

    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        await Inner.Append(market, batch, cancellationToken);
        if (market != Market) return;
        Committed.TrySetResult();
        await new TaskCompletionSource().Task; // the reply is lost: this silo is about to be killed
    }

}
