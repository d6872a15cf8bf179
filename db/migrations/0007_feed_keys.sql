-- 0007_feed_keys
-- A key is either an account's (it trades for that account) or a price feed's (it publishes prices for one feed of
-- one index, e.g. "BTC-USD.sim-1", and does nothing else). Same table, so that signing, the secret's encryption,
-- revocation and the key cache are one mechanism; exactly one of account_id and feed_id is set.

alter table api_keys alter column account_id drop not null;
alter table api_keys add column feed_id text;
alter table api_keys add constraint api_keys_one_owner check ((account_id is null) <> (feed_id is null));

create index api_keys_by_feed on api_keys (feed_id) where feed_id is not null;
