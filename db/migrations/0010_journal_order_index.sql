-- 0010_journal_order_index
-- Each journal batch records the highest order id it accepted (null when it accepted none). Order ids ascend with the
-- sequence, so the batch that accepted an order is the one with the smallest such id at or above it: one index
-- lookup, after which a closed order's history is read from that batch onward instead of being unknown once the
-- market's memory no longer holds it. Batches written before this migration have no id and are not found this way.
alter table market_journal add column last_order_id bigint check (last_order_id > 0);
create index market_journal_orders on market_journal (market, last_order_id) where last_order_id is not null;
