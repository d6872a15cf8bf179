-- Cluster membership for Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet), used when silos
-- and gateways run with Exchange:Clustering=AdoNet. The package ships no SQL; the provider reads the statements it runs
-- from OrleansQuery by key, binds parameters by name (@DeploymentId = the cluster id, @Address, @Port, @Generation, ...)
-- and reads result columns by name. Status numbers are Orleans' SiloStatus (3 = Active, 6 = Dead).
--
-- Conditional writes (insert or update a member while the table version is what the caller read) return 1 when they
-- happened and 0 when they did not; a write that fails half-way is undone with the version bump, so a caller that gets
-- 0 can re-read and retry.

create table OrleansQuery
(
    QueryKey  varchar(64)   not null primary key,
    QueryText varchar(8000) not null
);

-- One row per cluster: its membership version, bumped by every membership change.
create table OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   not null primary key,
    Timestamp    timestamptz(3) not null default now(),
    Version      integer        not null default 0
);

-- One row per silo incarnation (address, port, generation).
create table OrleansMembershipTable
(
    DeploymentId varchar(150)   not null references OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    not null,
    Port         integer        not null,
    Generation   integer        not null,
    SiloName     varchar(150)   not null,
    HostName     varchar(150)   not null,
    Status       integer        not null,
    ProxyPort    integer        null,
    SuspectTimes varchar(8000)  null,
    StartTime    timestamptz(3) not null,
    IAmAliveTime timestamptz(3) not null,
    primary key (DeploymentId, Address, Port, Generation)
);

create function orleans_insert_member(
    deployment text, address_ text, port_ integer, generation_ integer, silo_name text, host_name text,
    status_ integer, proxy_port integer, start_time timestamptz, i_am_alive timestamptz, expected_version integer)
    returns integer language plpgsql as
$$
begin
    update OrleansMembershipVersionTable set Version = Version + 1, Timestamp = now()
    where DeploymentId = deployment and Version = expected_version;
    if not found then return 0; end if;
    -- A duplicate member raises, which rolls this block back, version bump included.
    insert into OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
                                        StartTime, IAmAliveTime)
    values (deployment, address_, port_, generation_, silo_name, host_name, status_, proxy_port, start_time, i_am_alive);
    return 1;
exception when unique_violation then
    return 0;
end
$$;

create function orleans_update_member(
    deployment text, address_ text, port_ integer, generation_ integer, status_ integer, suspect_times text,
    i_am_alive timestamptz, expected_version integer)
    returns integer language plpgsql as
$$
begin
    update OrleansMembershipVersionTable set Version = Version + 1, Timestamp = now()
    where DeploymentId = deployment and Version = expected_version;
    if not found then return 0; end if;
    update OrleansMembershipTable set Status = status_, SuspectTimes = suspect_times, IAmAliveTime = i_am_alive
    where DeploymentId = deployment and Address = address_ and Port = port_ and Generation = generation_;
    if not found then
        raise exception 'no such member' using errcode = 'no_data_found'; -- undoes the version bump
    end if;
    return 1;
exception when no_data_found then
    return 0;
end
$$;

insert into OrleansQuery (QueryKey, QueryText) values
('InsertMembershipVersionKey', '
    with inserted as (
        insert into OrleansMembershipVersionTable (DeploymentId) values (@DeploymentId)
        on conflict (DeploymentId) do nothing
        returning 1)
    select count(*)::integer from inserted'),

('InsertMembershipKey', '
    select orleans_insert_member(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                                 @StartTime, @IAmAliveTime, @Version)'),

('UpdateMembershipKey', '
    select orleans_update_member(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version)'),

('UpdateIAmAlivetimeKey', '
    update OrleansMembershipTable set IAmAliveTime = @IAmAliveTime
    where DeploymentId = @DeploymentId and Address = @Address and Port = @Port and Generation = @Generation'),

('MembershipReadRowKey', '
    select v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    from OrleansMembershipVersionTable v
    left join OrleansMembershipTable m on m.DeploymentId = v.DeploymentId
         and m.Address = @Address and m.Port = @Port and m.Generation = @Generation
    where v.DeploymentId = @DeploymentId'),

('MembershipReadAllKey', '
    select v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    from OrleansMembershipVersionTable v
    left join OrleansMembershipTable m on m.DeploymentId = v.DeploymentId
    where v.DeploymentId = @DeploymentId'),

('GatewaysQueryKey', '
    select Address, ProxyPort, Generation from OrleansMembershipTable
    where DeploymentId = @DeploymentId and Status = @Status and ProxyPort > 0'),

('DeleteMembershipTableEntriesKey', '
    delete from OrleansMembershipTable where DeploymentId = @DeploymentId;
    delete from OrleansMembershipVersionTable where DeploymentId = @DeploymentId'),

-- Only dead silos are ever removed, and only when nothing has been heard from them since the cut-off.
('CleanupDefunctSiloEntriesKey', '
    delete from OrleansMembershipTable
    where DeploymentId = @DeploymentId and Status = 6 and IAmAliveTime < @IAmAliveTime and StartTime < @IAmAliveTime'),

('CleanupDefunctSiloEntryKey', '
    delete from OrleansMembershipTable
    where DeploymentId = @DeploymentId and Status = 6 and Address = @Address and Port = @Port and Generation = @Generation
      and IAmAliveTime = @IAmAliveTime and StartTime = @StartTime
      and SuspectTimes is not distinct from @SuspectTimes');
