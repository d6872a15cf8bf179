# Sourced by the scripts that start processes of their own beside a throwaway PostgreSQL in "$work/pg":
#   pg_bin, as_pg          where the server binaries are, and running one as the postgres user when we are root
#   start_postgres PORT    initialises and starts the server in "$work/pg" on PORT (loopback), with a database "exchange"
#   stop_processes         kills every pid in "${pids[@]}", stops the server and deletes "$work" (for an EXIT trap)
#   wait_for               polls a command until it succeeds or a deadline passes: no fixed sleeps standing in for readiness

pg_bin="$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg() { if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {  # PORT
    [[ "$(id -u)" -eq 0 ]] && chown postgres "$work"
    as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust --locale=C --encoding=UTF8 >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -o "-p $1 -k $work -c listen_addresses=127.0.0.1" -w start >/dev/null
    psql -h 127.0.0.1 -p "$1" -U postgres -qc "create database exchange"
}

stop_processes() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}

wait_for() {  # SECONDS DESCRIPTION COMMAND...
    local deadline=$((SECONDS + $1)) what="$2"; shift 2
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then echo "timed out waiting for $what" >&2; return 1; fi
        sleep 0.2
    done
}
