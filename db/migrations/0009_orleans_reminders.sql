-- Reminders for Orleans' ADO.NET reminder service (Microsoft.Orleans.Reminders.AdoNet): durable wake-ups that outlive
-- the activation and the silo that registered them (the circuit breaker's reopen is one). The package ships no SQL;
-- the provider reads its statements from OrleansQuery by key (ReadReminderRowsKey, ReadReminderRowKey,
-- ReadRangeRows1Key, ReadRangeRows2Key, UpsertReminderRowKey, DeleteReminderRowKey, DeleteReminderRowsKey), binds
-- parameters by name (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period in milliseconds (an int, or a bigint
-- beyond 2^31 ms), @GrainHash, @BeginHash, @EndHash, @Version) and reads result columns by name (GrainId,
-- ReminderName, StartTime, Period, Version).
--
-- Hashes: the provider passes the grain's uniform hash, an unsigned 32-bit ring position, cast to a signed integer,
-- and picks ReadRangeRows1Key when (int)begin < (int)end (a range inside the signed order: begin < hash <= end) and
-- ReadRangeRows2Key otherwise (the range wraps: hash > begin or hash <= end). Both queries compare signed integers
-- as stored, so each silo reads exactly the reminders of its share of the ring.
--
-- Versions are the ETag: an upsert returns the row's new version, a delete removes the row only at the version the
-- caller holds and returns 1 if it did (0 otherwise), so a stale activation cannot delete a newer registration.

create table OrleansRemindersTable
(
    ServiceId    varchar(150)   not null,
    GrainId      varchar(512)   not null,
    ReminderName varchar(150)   not null,
    StartTime    timestamptz(3) not null,
    Period       bigint         not null,
    GrainHash    integer        not null,
    Version      integer        not null,
    primary key (ServiceId, GrainId, ReminderName)
);

-- Each silo reads its ring range of reminders when it starts and whenever membership changes.
create index OrleansRemindersTable_Hash on OrleansRemindersTable (ServiceId, GrainHash);

create function orleans_upsert_reminder(
    _ServiceId varchar, _GrainId varchar, _ReminderName varchar, _StartTime timestamptz, _Period bigint,
    _GrainHash integer)
    returns table (Version integer)
    language sql as
$$
insert into OrleansRemindersTable as r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
values (_ServiceId, _GrainId, _ReminderName, _StartTime, _Period, _GrainHash, 0)
on conflict (ServiceId, GrainId, ReminderName) do update
    set StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
        Version = r.Version + 1
returning r.Version;
$$;

create function orleans_delete_reminder(_ServiceId varchar, _GrainId varchar, _ReminderName varchar, _Version integer)
    returns integer
    language plpgsql as
$$
declare
    deleted integer;
begin
    delete from OrleansRemindersTable
    where ServiceId = _ServiceId and GrainId = _GrainId and ReminderName = _ReminderName and Version = _Version;
    get diagnostics deleted = row_count;
    return deleted;
end
$$;

insert into OrleansQuery (QueryKey, QueryText)
values ('UpsertReminderRowKey', '
    select Version from orleans_upsert_reminder(@ServiceId, @GrainId::varchar, @ReminderName, @StartTime,
        @Period::bigint, @GrainHash)'),
       ('ReadReminderRowsKey', '
    select GrainId, ReminderName, StartTime, Period, Version from OrleansRemindersTable
    where ServiceId = @ServiceId and GrainId = @GrainId::varchar'),
       ('ReadReminderRowKey', '
    select GrainId, ReminderName, StartTime, Period, Version from OrleansRemindersTable
    where ServiceId = @ServiceId and GrainId = @GrainId::varchar and ReminderName = @ReminderName'),
       ('ReadRangeRows1Key', '
    select GrainId, ReminderName, StartTime, Period, Version from OrleansRemindersTable
    where ServiceId = @ServiceId and GrainHash > @BeginHash and GrainHash <= @EndHash'),
       ('ReadRangeRows2Key', '
    select GrainId, ReminderName, StartTime, Period, Version from OrleansRemindersTable
    where ServiceId = @ServiceId and (GrainHash > @BeginHash or GrainHash <= @EndHash)'),
       ('DeleteReminderRowKey', '
    select orleans_delete_reminder(@ServiceId, @GrainId::varchar, @ReminderName, @Version::integer)'),
       ('DeleteReminderRowsKey', '
    delete from OrleansRemindersTable where ServiceId = @ServiceId');
