-- 0001_market_journal
-- The market journal. Applied once, in one transaction, by Exchange.Persistence.MigrationRunner;
-- never edit this file after it has shipped (the runner refuses a changed checksum): add a new one.

-- The list of markets. The spec is jsonb so that new spec fields need no migration.
create table markets (
    symbol     text primary key,
    spec       jsonb not null,
    created_at timestamptz not null default now()
);

-- Each market's last journaled sequence: the expected-version check. An append moves the head from
-- exactly first_sequence - 1 to last_sequence in the same statement that inserts the batch, so a
-- second activation with a stale view of the market changes nothing.
create table market_heads (
    market        text primary key references markets (symbol),
    last_sequence bigint not null check (last_sequence >= 0),
    admin_mark    bigint check (admin_mark > 0) -- a mark price set by an operator until an oracle exists
);

-- One row per appended batch (many commands and their events, encoded by JournalCodec), so that one
-- round trip makes many commands durable. The primary key stops two writers from both claiming the
-- same sequence range start; the batch id makes a retried append recognisable.
create table market_journal (
    market         text        not null references markets (symbol),
    first_sequence bigint      not null,
    last_sequence  bigint      not null,
    batch_id       uuid        not null,
    payload        bytea       not null,
    recorded_at    timestamptz not null default now(),
    primary key (market, first_sequence),
    unique (market, batch_id),
    check (first_sequence between 1 and last_sequence)
);

-- Periodic book snapshots so that recovery replays only the journal tail. state_hash lets recovery
-- check that the decoded snapshot is the book that was captured.
create table market_snapshots (
    market     text        not null references markets (symbol),
    sequence   bigint      not null,
    state_hash bigint      not null,
    payload    bytea       not null,
    created_at timestamptz not null default now(),
    primary key (market, sequence)
);
