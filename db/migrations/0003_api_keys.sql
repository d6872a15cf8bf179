-- 0003_api_keys
-- The gateway's accounts and their API keys. The gateway allocates account ids here; the account grains key on
-- them. A secret is stored encrypted (AES-256-GCM under the gateway's key, with the API key as associated data),
-- never in clear and never as a hash: verifying an HMAC signature needs the secret itself.

create table gateway_accounts (
    account_id bigint generated always as identity primary key,
    label      text,
    created_at timestamptz not null default now()
);

create table api_keys (
    api_key          text        primary key,
    account_id       bigint      not null references gateway_accounts (account_id),
    secret_encrypted bytea       not null,
    created_at       timestamptz not null default now(),
    revoked_at       timestamptz
);

create index api_keys_by_account on api_keys (account_id);
