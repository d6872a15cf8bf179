-- 0010_journal_order_index
-- What a batch did to orders, so that one order's history is read from the journal without decoding all of it once
-- the market's memory no longer holds it:
-- last_order_id: the highest order id the batch accepted (null when none). Order ids ascend with the sequence, so the
--   batch that accepted an order is the one with the smallest such id at or above it: one index lookup.
-- order_bloom: a 64-bit Bloom filter of every order id the batch touched (accepted, traded, amended, cancelled; three
--   bits an id, BatchOrders.Bloom), so a scan for an order's later batches skips the rows that cannot hold it on
--   the server, unread and undecoded. Unindexed: it filters a primary-key range scan.
-- Batches written before this migration have neither: they are not found by order id, and never skipped.
alter table market_journal add column last_order_id bigint check (last_order_id > 0);
alter table market_journal add column order_bloom bigint;
create index market_journal_orders on market_journal (market, last_order_id) where last_order_id is not null;
