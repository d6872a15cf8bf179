#!/usr/bin/env bash
# Builds, when missing, the base images the compose check runs on where no registry can be reached (images cannot be
# pulled, but Debian's mirror answers):
#   exchange-local/debian:bookworm   debootstrap --variant=minbase from the mirror apt is configured with, imported
#   exchange-local/aspnet:10.0       that, plus the .NET and ASP.NET Core runtimes installed on this host
#                                    (the stand-in for mcr.microsoft.com/dotnet/aspnet:10.0: user app, APP_UID, port 8080)
#   exchange-local/postgres:15       that, plus Debian's postgresql-15 and an entrypoint honouring POSTGRES_USER,
#                                    POSTGRES_PASSWORD and POSTGRES_DB (the stand-in for postgres:15)
# Needs root (debootstrap), debootstrap and a running Docker engine. Images that exist are kept: remove them to rebuild.
#
#   scripts/docker-local-bases.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
debian=exchange-local/debian:bookworm aspnet=exchange-local/aspnet:10.0 postgres=exchange-local/postgres:15
have() { docker image inspect "$1" >/dev/null 2>&1; }

# The mirror apt uses on this host (deb822 sources first, then the one-line format).
mirror() {
    local uri
    uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n 1 || true)"
    [[ -n "$uri" ]] || uri="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n 1 || true)"
    echo "${uri:-http://deb.debian.org/debian}"
}

if ! have "$debian"; then
    root="$(mktemp -d /tmp/exchange-debootstrap.XXXXXX)"
    trap 'rm -rf "$root"' EXIT
    echo "== $debian: debootstrap minbase bookworm from $(mirror)"
    debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; exit 1; }
    rm -f "$root.log"
    # Containers use the same mirror; no recommends, no package lists left behind in the image.
    echo "deb $(mirror) bookworm main" >"$root/etc/apt/sources.list"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90exchange"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$debian" >/dev/null
    rm -rf "$root"; trap - EXIT
fi

if ! have "$aspnet"; then
    dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
    version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ {print $2}' | sort -V | tail -n 1)"
    [[ -n "$version" ]] || { echo "no .NET 10 ASP.NET Core runtime installed on this host" >&2; exit 1; }
    context="$(mktemp -d /tmp/exchange-aspnet.XXXXXX)"
    trap 'rm -rf "$context"' EXIT
    echo "== $aspnet: the host's .NET $version runtimes on $debian"
    mkdir -p "$context/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$context/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
    cat >"$context/Dockerfile" <<EOF
FROM $debian
RUN apt-get update && apt-get install -y ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g \\
    && rm -rf /var/lib/apt/lists/* \\
    && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --create-home app
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
EOF
    docker build -q -t "$aspnet" "$context" >/dev/null
    rm -rf "$context"; trap - EXIT
fi

if ! have "$postgres"; then
    context="$(mktemp -d /tmp/exchange-postgres.XXXXXX)"
    trap 'rm -rf "$context"' EXIT
    echo "== $postgres: Debian's postgresql-15 on $debian"
    cp "$repo/scripts/docker/postgres-entrypoint.sh" "$context/entrypoint.sh"
    cat >"$context/Dockerfile" <<EOF
FROM $debian
RUN apt-get update && apt-get install -y postgresql-15 && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["bash", "/usr/local/bin/docker-entrypoint.sh"]
EOF
    docker build -q -t "$postgres" "$context" >/dev/null
    rm -rf "$context"; trap - EXIT
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^exchange-local/'
