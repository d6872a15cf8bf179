-- 0005_request_signatures
-- The replay guard every gateway shares: a signature accepted by one gateway is refused by all until its timestamp
-- has left the signature window. expires_ms is the accepted request's timestamp plus the window (Unix ms); gateways
-- delete rows a margin after that (for clock skew between gateways). The signature is the 32 bytes of the HMAC.

create table request_signatures (
    signature  bytea  primary key,
    expires_ms bigint not null
);

create index request_signatures_by_expiry on request_signatures (expires_ms);
