-- Grain state for Orleans' ADO.NET persistence provider (Microsoft.Orleans.Persistence.AdoNet), used by the grains
-- whose state is small configuration rather than a journal: the oracles' index policies and feed registries. The
-- package ships no SQL; the provider reads its statements from OrleansQuery by key (ReadFromStorageKey,
-- WriteToStorageKey, ClearStorageKey), binds parameters by name (@GrainIdHash, @GrainIdN0, @GrainIdN1,
-- @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) and
-- reads result columns by name (PayloadBinary and Version from a read, NewGrainStateVersion from a write).
--
-- Writes are conditional on the version the grain read (its ETag): a write that finds another version returns no
-- row, which the provider reports as an inconsistent state, so two activations of one grain can never both write.

create table OrleansStorage
(
    ServiceId              varchar(150) not null,
    GrainTypeHash          integer      not null,
    GrainTypeString        varchar(512) not null,
    GrainIdHash            integer      not null,
    GrainIdN0              bigint       not null,
    GrainIdN1              bigint       not null,
    -- A string key or key extension; '' when the grain has none, so that it can be part of the key.
    GrainIdExtensionString varchar(512) not null,
    PayloadBinary          bytea        null,
    Version                integer      not null,
    ModifiedOn             timestamptz  not null default now(),
    primary key (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

create function orleans_write_grain_state(
    _ServiceId varchar, _GrainTypeHash integer, _GrainTypeString varchar, _GrainIdHash integer, _GrainIdN0 bigint,
    _GrainIdN1 bigint, _GrainIdExtensionString varchar, _GrainStateVersion integer, _PayloadBinary bytea)
    returns table (NewGrainStateVersion integer)
    language plpgsql as
$$
declare
    written integer;
begin
    if _GrainStateVersion is null then
        insert into OrleansStorage (ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash, GrainIdN0, GrainIdN1,
                                    GrainIdExtensionString, PayloadBinary, Version)
        values (_ServiceId, _GrainTypeHash, _GrainTypeString, _GrainIdHash, _GrainIdN0, _GrainIdN1,
                coalesce(_GrainIdExtensionString, ''), _PayloadBinary, 1)
        on conflict do nothing;
        get diagnostics written = row_count;
        if written > 0 then return query select 1; end if;
    else
        update OrleansStorage
        set PayloadBinary = _PayloadBinary, Version = Version + 1, ModifiedOn = now()
        where ServiceId = _ServiceId and GrainTypeHash = _GrainTypeHash and GrainTypeString = _GrainTypeString
          and GrainIdHash = _GrainIdHash and GrainIdN0 = _GrainIdN0 and GrainIdN1 = _GrainIdN1
          and GrainIdExtensionString = coalesce(_GrainIdExtensionString, '') and Version = _GrainStateVersion;
        get diagnostics written = row_count;
        if written > 0 then return query select _GrainStateVersion + 1; end if;
    end if;
end
$$;

create function orleans_clear_grain_state(
    _ServiceId varchar, _GrainTypeHash integer, _GrainTypeString varchar, _GrainIdHash integer, _GrainIdN0 bigint,
    _GrainIdN1 bigint, _GrainIdExtensionString varchar, _GrainStateVersion integer)
    returns table (Version integer)
    language sql as
$$
update OrleansStorage s
set PayloadBinary = null, Version = s.Version + 1, ModifiedOn = now()
where s.ServiceId = _ServiceId and s.GrainTypeHash = _GrainTypeHash and s.GrainTypeString = _GrainTypeString
  and s.GrainIdHash = _GrainIdHash and s.GrainIdN0 = _GrainIdN0 and s.GrainIdN1 = _GrainIdN1
  and s.GrainIdExtensionString = coalesce(_GrainIdExtensionString, '') and s.Version = _GrainStateVersion
returning s.Version;
$$;

insert into OrleansQuery (QueryKey, QueryText)
values ('ReadFromStorageKey', '
    select PayloadBinary, Version from OrleansStorage
    where ServiceId = @ServiceId and GrainTypeHash = @GrainTypeHash and GrainTypeString = @GrainTypeString
      and GrainIdHash = @GrainIdHash and GrainIdN0 = @GrainIdN0 and GrainIdN1 = @GrainIdN1
      and GrainIdExtensionString = coalesce(@GrainIdExtensionString::varchar, '''')'),
       ('WriteToStorageKey', '
    select NewGrainStateVersion from orleans_write_grain_state(@ServiceId, @GrainTypeHash, @GrainTypeString,
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString::varchar, @GrainStateVersion::integer, @PayloadBinary)'),
       ('ClearStorageKey', '
    select Version from orleans_clear_grain_state(@ServiceId, @GrainTypeHash, @GrainTypeString,
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString::varchar, @GrainStateVersion::integer)');
