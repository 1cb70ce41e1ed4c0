# Shell helpers the through-nginx benchmarks share (sourced, not run): Debian packages, free ports, wrk rows
# with the CPU each process tree spent on them, and each script's own section of Benchmarks/RESULTS.md.
# shellcheck shell=bash

# Installs the Debian packages given that are missing (quietly, without recommends; no prompt).
bench_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}" >&2
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
    # Debian starts PHP-FPM's own service on install; the benchmarks run their own instance.
    $sudo service php8.2-fpm stop >/dev/null 2>&1 || true
}

# Stops the processes given (our own children): SIGTERM, then SIGKILL for any still running after 3 s (libfcgi's
# threads sit in accept() through a SIGTERM that only one of them receives), then waits for them.
bench_stop() {
    local pid _ alive
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 30); do
        alive=0
        # A child that exited stays a zombie (state Z) until waited for.
        for pid in "$@"; do
            [ "$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null || echo Z)" = Z ] || alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "$@"; do kill -9 "$pid" 2>/dev/null || true; done
    for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# A free TCP port on 127.0.0.1.
bench_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Waits up to 10 s for a unix socket to appear; fails (naming the log) if it does not.
bench_wait_socket() { # socket, log
    local _
    for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.05; done
    echo "no socket at $1 after 10 s; its log:" >&2; cat "$2" >&2 2>/dev/null; return 1
}

# The pid and every descendant of it (PHP-FPM's children, a master's workers), one a line.
bench_tree() {
    local pid=$1
    echo "$pid"
    local child
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do bench_tree "$child"; done
}

# CPU clock ticks the process tree has used: utime + stime of every live process (fields 14-15 of
# /proc/<pid>/stat, all threads), plus cutime + cstime (16-17: children that exited and were waited for, so a
# worker replaced during a row is still counted). Field numbers count from after the ")" of the command name.
bench_ticks() {
    local total=0 pid stat rest
    local -a f
    for pid in $(bench_tree "$1"); do
        stat=$(cat /proc/"$pid"/stat 2>/dev/null) || continue
        rest=${stat##*) }
        # rest starts at field 3 (state): utime is its 12th word.
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12] + f[13] + f[14]))
    done
    echo "$total"
}

# Resident memory of the process tree in KiB (VmRSS summed).
bench_rss() {
    local total=0 pid kib
    for pid in $(bench_tree "$1"); do
        kib=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status 2>/dev/null) || continue
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_TICK_US=$((1000000 / $(getconf CLK_TCK)))

# The head of an nginx.conf for the benchmarks (1 worker, no access log, temp paths under the work directory);
# close it with "}" after the servers.
bench_nginx_head() { # work directory
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "worker_processes 1; worker_rlimit_nofile 8192; pid $1/nginx.pid; error_log $1/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $1/cb; fastcgi_temp_path $1/ft; proxy_temp_path $1/pt; uwsgi_temp_path $1/ut; scgi_temp_path $1/st;"
}

# An upstream on a unix socket and a server on 127.0.0.1:port passing everything to it. keepalive > 0: an idle pool
# of that size with fastcgi_keep_conn on; 0: a new connection per request. Extra fastcgi_param lines may follow.
bench_nginx_fastcgi() { # name port socket keepalive [fastcgi_param lines...]
    local name=${1//-/_} port=$2 socket=$3 keepalive=$4
    shift 4
    echo "  upstream $name { server unix:$socket;$([ "$keepalive" -gt 0 ] && echo " keepalive $keepalive;") }"
    echo "  server { listen 127.0.0.1:$port; location / { fastcgi_pass $name;$([ "$keepalive" -gt 0 ] && echo " fastcgi_keep_conn on;")"
    echo "    include $BENCH_ROOT/nginx/fastcgi_params.conf;"
    local line
    for line in "$@"; do echo "    $line"; done
    echo "  } }"
}

# The idle pool the shipped nginx/site.conf gives the app (its upstream's `keepalive N`).
bench_shipped_pool() {
    local pool
    pool=$(awk '/^[[:space:]]*keepalive[[:space:]]+[0-9]+;/ {gsub(";", ""); print $2; exit}' "$BENCH_ROOT/nginx/site.conf")
    echo "${pool:-256}"
}

# A latency from wrk (850.00us, 4.20ms, 1.40s, 2.00m) in milliseconds.
bench_ms() {
    awk -v v="$1" 'BEGIN {
        if (match(v, /^[0-9.]+/)) { n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1) } else { print "n/a"; exit }
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        if (f < 0) print "n/a"; else printf "%.2f\n", n * f
    }'
}

# One wrk row (2 threads, BENCH_DURATION seconds, BENCH_TIMEOUT seconds' timeout, default 5) with the CPU the backend's and nginx's process trees
# spent on it (backend_pid empty: nginx answers alone). Prints "requests/s p50_ms p99_ms errors requests backend_us_per_request nginx_us_per_request";
# errors are socket errors (connect, read, write, timeout) plus non-2xx/3xx answers. Appends wrk's output to
# BENCH_WRK_LOG when set.
bench_row() { # url connections backend_pid nginx_pid [wrk lua script]
    local url=$1 connections=$2 backend=$3 nginx=$4 script=${5:-}
    local b0=0 n0 b1=0 n1 out
    [ -n "$backend" ] && b0=$(bench_ticks "$backend"); n0=$(bench_ticks "$nginx")
    out=$(wrk -t2 -c"$connections" -d"${BENCH_DURATION}s" --latency --timeout "${BENCH_TIMEOUT:-5}s" ${script:+-s "$script"} "$url")
    [ -n "$backend" ] && b1=$(bench_ticks "$backend"); n1=$(bench_ticks "$nginx")
    [ -n "${BENCH_WRK_LOG:-}" ] && printf '### %s c%s\n%s\n\n' "$url" "$connections" "$out" >>"$BENCH_WRK_LOG"
    local rps p50 p99 errors non2xx requests
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(bench_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(bench_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    errors=$(awk '/Socket errors/ {gsub(",", ""); s = 0; for (i = 4; i <= NF; i += 2) s += $i; print s}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    awk -v rps="${rps:-0}" -v p50="$p50" -v p99="$p99" -v e=$((${errors:-0} + ${non2xx:-0})) -v n="${requests:-0}" \
        -v b=$((b1 - b0)) -v g=$((n1 - n0)) -v tick="$BENCH_TICK_US" -v has_backend="${backend:+1}" 'BEGIN {
        if (n > 0 && has_backend) printf "%s %s %s %d %d %.1f %.1f\n", rps, p50, p99, e, n, b * tick / n, g * tick / n
        else if (n > 0) printf "%s %s %s %d %d n/a %.1f\n", rps, p50, p99, e, n, g * tick / n
        else printf "%s %s %s %d 0 n/a n/a\n", rps, p50, p99, e
    }'
}

# a ÷ b with two decimals (n/a when either is not a positive number).
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# One line naming the machine and the software every through-nginx benchmark uses.
bench_machine() {
    echo "$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -sr)," \
        "nginx $(nginx -v 2>&1 | sed 's|.*/||'), wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}')"
}

# Waits up to BENCH_IDLE_WAIT seconds (default 90) for the 1-minute load average to fall under 1 (a build just
# before the run raises it), then prints it; warns when it did not.
bench_wait_idle() {
    local load waited=0 limit=${BENCH_IDLE_WAIT:-90}
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$load" 'BEGIN { exit !(l < 1.0) }' && break
        [ "$waited" -lt "$limit" ] || break
        [ "$waited" = 0 ] && echo "waiting up to $limit s for the load average ($load) to fall under 1" >&2
        sleep 5; waited=$((waited + 5))
    done
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" 'BEGIN { exit !(l >= 1.0) }' &&
        echo "warning: load average $load: something else is using the CPU, the figures will be noisy" >&2
    echo "$load"
}

# The run's time and load, with a warning when the machine was busy before it started (load average 1 or more;
# the load at the end includes the run's own wrk, nginx and backends, so it says little).
bench_load_line() { # load at the start, load at the end
    echo "Run at $(date -u '+%H:%M') UTC; load average $1 before the run ($2 at its end, its own load included)."
    awk -v a="$1" 'BEGIN { exit !(a >= 1.0) }' &&
        echo "**Noisy run**: something else was using the CPU; rerun on an idle machine before reading the figures."
    return 0
}

# Replaces the section `name` of Benchmarks/RESULTS.md (between its markers) with the file given, or appends it.
bench_write_section() { # name file
    local name=$1 section=$2 results
    results="$BENCH_ROOT/Benchmarks/RESULTS.md"
    [ -f "$results" ] || echo "# Benchmark results" >"$results"
    awk -v name="$name" -v section="$section" '
        index($0, "<!-- " name ": written") == 1 { while ((getline line < section) > 0) print line; skipping = 1; done = 1; next }
        skipping && $0 == "<!-- " name ": end -->" { skipping = 0; next }
        !skipping { print }
        END { if (!done) { print ""; while ((getline line < section) > 0) print line } }
    ' "$results" >"$results.new"
    mv "$results.new" "$results"
    echo "Wrote the $name section of Benchmarks/RESULTS.md" >&2
}
