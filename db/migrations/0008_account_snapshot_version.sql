-- 0008_account_snapshot_version
-- Each account snapshot carries the version of the write that stored it. An activation remembers the version it
-- loaded (or last wrote) and replaces exactly that one (IAccountStore.SaveSnapshot): an older activation, one that
-- loaded before another wrote, can never overwrite a newer snapshot. A version, not a comparison of contents: a
-- snapshot is newer by its transfer sequence and by each market's cursor, and those have no order between them
-- that one condition could state. Rows from before this migration count as the first write.
alter table account_snapshots add column version bigint not null default 1 check (version > 0);
