-- 0012_journal_order_filter
-- A Bloom filter of the order ids each batch touched, sized to the batch (BatchOrders.Filter: a power of two of about
-- 16 bits an id, at least 64 bits, three bits an id), replacing the 64-bit order_bloom of 0010, which batches of a few
-- dozen orders filled: a lookup then passed most of them and decoded hundreds of batches to describe one old order.
-- The lookup tests an id's three bits with get_bit, each position masked to the row's filter size. Rows written before
-- this migration keep their order_bloom (and a null order_filter), and are still filtered by it.
alter table market_journal add column order_filter bytea;
