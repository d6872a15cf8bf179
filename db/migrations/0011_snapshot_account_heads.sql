-- 0011_snapshot_account_heads
-- What the market knew of its accounts' event streams at a snapshot (JournalCodec.EncodeAccountHeads: each account's
-- latest event and the market-wide events kept), so that a reloaded market knows every account again instead of having
-- each one it did not see in the journal's tail read the journal for what it might have missed. Null in snapshots
-- written before this migration: a reload from one of those knows only the accounts it reads back, as before.
alter table market_snapshots add column account_heads bytea;
