-- 0002_accounts
-- What accounts keep for themselves. Fills are not here: the market journals hold them, and each account's
-- snapshot records how far into each market's journal it has applied.

-- Money in and out: the only way money enters or leaves the venue. Durable before acknowledged, once per
-- transfer id. The primary key on (account, sequence) stops a second activation of an account from writing
-- a transfer the first one does not know about.
create table account_transfers (
    account_id  bigint      not null,
    sequence    bigint      not null check (sequence > 0),
    transfer_id text        not null,
    kind        smallint    not null check (kind in (1, 2)), -- 1 deposit, 2 withdrawal
    amount      bigint      not null check (amount > 0),     -- micro-USD
    created_at  timestamptz not null default now(),
    primary key (account_id, sequence),
    unique (account_id, transfer_id)
);

-- The markets an account has traded in: recovery asks exactly these markets for the account's events.
create table account_markets (
    account_id bigint not null,
    market     text   not null references markets (symbol),
    primary key (account_id, market)
);

-- The latest ledger snapshot of each account: collateral, positions, open orders, per-market cursors.
create table account_snapshots (
    account_id        bigint      primary key,
    transfer_sequence bigint      not null,
    payload           jsonb       not null,
    updated_at        timestamptz not null default now()
);
