# shellcheck shell=bash
#
# Test environment for Switchboard's suite. Source it, don't run it:
#
#     . scripts/test-env.sh || exit 1
#
# Afterwards these are exported and point at working servers:
#
#   SWITCHBOARD_TEST_DATABASE_URL  PostgreSQL URL of a role that may CREATE DATABASE
#   SWITCHBOARD_TEST_REDIS_URL     Redis URL
#   CHROMIUM_PATH                  a Chromium binary (for the console's end-to-end tests)
#
# For each one, in order: a value already set is kept; else the machine's local server on the
# standard port is used when it answers; else a throwaway server is started from installed
# binaries in a temp dir on a free port; else the binaries are installed with apt-get first.
# test_env_stop (also spelled test-env-stop) stops only what this file started; it is hooked
# to the shell's EXIT trap, chained after any EXIT trap already set.
#
# Knobs (mainly for testing this file):
#   SWITCHBOARD_TEST_PG_PROBE_PORT=N     probe the local PostgreSQL on port N instead of 5432
#   SWITCHBOARD_TEST_REDIS_PROBE_PORT=N  probe the local Redis on port N instead of 6379
#                                        (point either at an unused port to force a throwaway)
#   SWITCHBOARD_TEST_ENV_NO_INSTALL=1    never apt-get install; fail instead
#   SWITCHBOARD_TEST_ENV_NO_TRAP=1       don't touch traps; the caller calls test_env_stop
#   SWITCHBOARD_TEST_SKIP_CHROMIUM=1     leave CHROMIUM_PATH alone (nothing here needs a browser)

if [ -z "${BASH_VERSION:-}" ]; then
	echo "test-env: needs bash (source it from a bash script)" >&2
	# shellcheck disable=SC2317 # exit only when executed rather than sourced
	return 1 2>/dev/null || exit 1
fi

_te_log() { printf 'test-env: %s\n' "$*" >&2; }

# Hide the password part of a URL (scheme://user:secret@host → scheme://user:***@host).
_te_mask() { printf '%s' "$1" | sed -E 's#^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@#\1:***@#'; }

# True when something accepts TCP connections on 127.0.0.1:$1.
_te_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_te_free_port() {
	local p i
	for i in $(seq 1 100); do
		p=$((20000 + (RANDOM * 32768 + RANDOM + i) % 30000))
		if ! _te_port_open "$p"; then
			echo "$p"
			return 0
		fi
	done
	_te_log "no free TCP port found"
	return 1
}

_TE_APT_UPDATED=${_TE_APT_UPDATED:-}
_te_apt_install() {
	if [ -n "${SWITCHBOARD_TEST_ENV_NO_INSTALL:-}" ]; then
		_te_log "would install $* but SWITCHBOARD_TEST_ENV_NO_INSTALL is set"
		return 1
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		_te_log "need to install $* but cannot (not root, or no apt-get): install it by hand"
		return 1
	fi
	local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
	if [ -z "$_TE_APT_UPDATED" ]; then
		_te_log "apt-get update"
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" update </dev/null >&2 || return 1
		_TE_APT_UPDATED=1
	fi
	_te_log "apt-get install -y $*"
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "$@" </dev/null >&2
}

# Things this file started; test_env_stop undoes exactly these.
_TE_PG_DIR=${_TE_PG_DIR:-}
_TE_PG_USER=${_TE_PG_USER:-}
_TE_PG_BIN=${_TE_PG_BIN:-}
_TE_REDIS_DIR=${_TE_REDIS_DIR:-}

# Run a command as the unprivileged owner of the throwaway cluster (initdb refuses root).
_te_as_pg_user() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u "$_TE_PG_USER" -- "$@"
	else
		su -s /bin/sh "$_TE_PG_USER" -c "$(printf '%q ' "$@")"
	fi
}

# ---------------------------------------------------------------- PostgreSQL

_te_pg_ok() { # url → 0 when we can log in and the role may create databases
	local url=$1 out
	if command -v psql >/dev/null 2>&1; then
		out=$(PGCONNECT_TIMEOUT=5 psql "$url" -XAtqc \
			"select 'ok' from pg_roles where rolname = current_user and (rolsuper or rolcreatedb)" \
			</dev/null 2>/dev/null) || return 1
		[ "$out" = ok ]
	elif command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -t 5 -d "$url" </dev/null
	else
		return 1 # no client at all: PostgreSQL isn't installed here, so start/install our own
	fi
}

_te_pg_bindir() {
	local d
	# shellcheck disable=SC2012 # version dirs are plain names
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		echo "$d"
		return 0
	fi
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

_te_pg_start_throwaway() {
	local bin port dir
	bin=$(_te_pg_bindir) || {
		_te_apt_install postgresql || return 1
		bin=$(_te_pg_bindir) || { _te_log "PostgreSQL installed but initdb/pg_ctl not found"; return 1; }
	}
	if [ "$(id -u)" = 0 ]; then
		if id postgres >/dev/null 2>&1; then
			_TE_PG_USER=postgres
		else
			_TE_PG_USER=switchboard-test
			id "$_TE_PG_USER" >/dev/null 2>&1 ||
				useradd --system --no-create-home --shell /usr/sbin/nologin "$_TE_PG_USER" || return 1
		fi
	else
		_TE_PG_USER=$(id -un)
	fi
	port=$(_te_free_port) || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pg.XXXXXX") || return 1
	_TE_PG_DIR=$dir
	_TE_PG_BIN=$bin
	chmod 700 "$dir"
	[ "$(id -u)" = 0 ] && chown "$_TE_PG_USER" "$dir"
	_te_log "PostgreSQL: starting a throwaway cluster ($bin, user $_TE_PG_USER, port $port, $dir)"
	# cd: the cluster's owner may not be allowed into the caller's working directory.
	if ! (cd "$dir" && _te_as_pg_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
		-E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1); then
		_te_log "initdb failed:"
		tail -n 20 "$dir/initdb.log" >&2
		return 1
	fi
	if ! (cd "$dir" && _te_as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >"$dir/pg_ctl.log" 2>&1); then
		_te_log "pg_ctl start failed:"
		tail -n 20 "$dir/postgres.log" "$dir/pg_ctl.log" >&2
		return 1
	fi
	SWITCHBOARD_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	if ! _te_pg_ok "$SWITCHBOARD_TEST_DATABASE_URL"; then
		_te_log "throwaway PostgreSQL started but does not answer on port $port"
		return 1
	fi
}

_te_pg_stop() {
	[ -n "$_TE_PG_DIR" ] || return 0
	if [ -f "$_TE_PG_DIR/data/postmaster.pid" ]; then
		_te_log "stopping throwaway PostgreSQL ($_TE_PG_DIR)"
		(cd "$_TE_PG_DIR" && _te_as_pg_user "$_TE_PG_BIN/pg_ctl" -D "$_TE_PG_DIR/data" -m immediate -w stop) >/dev/null 2>&1 ||
			_te_log "pg_ctl stop failed; see $_TE_PG_DIR/postgres.log"
	fi
	[ -f "$_TE_PG_DIR/data/postmaster.pid" ] || rm -rf "$_TE_PG_DIR"
	_TE_PG_DIR=
}

_te_setup_pg() {
	if [ -n "${SWITCHBOARD_TEST_DATABASE_URL:-}" ]; then
		_te_log "PostgreSQL: using SWITCHBOARD_TEST_DATABASE_URL as set: $(_te_mask "$SWITCHBOARD_TEST_DATABASE_URL")"
		export SWITCHBOARD_TEST_DATABASE_URL
		return 0
	fi
	local probe=${SWITCHBOARD_TEST_PG_PROBE_PORT:-5432}
	local url="postgres://postgres@127.0.0.1:$probe/postgres?sslmode=disable"
	if _te_pg_ok "$url"; then
		SWITCHBOARD_TEST_DATABASE_URL=$url
		_te_log "PostgreSQL: using the local server: $url"
	else
		_te_log "PostgreSQL: nothing usable at 127.0.0.1:$probe (as postgres, trust)"
		_te_pg_start_throwaway || return 1
		_te_log "PostgreSQL: using the throwaway cluster: $SWITCHBOARD_TEST_DATABASE_URL"
	fi
	export SWITCHBOARD_TEST_DATABASE_URL
}

# ---------------------------------------------------------------- Redis

_te_redis_ping() { # port → 0 when PING answers PONG (no password)
	local port=$1 reply=
	if command -v redis-cli >/dev/null 2>&1; then
		reply=$(timeout 5 redis-cli -h 127.0.0.1 -p "$port" ping </dev/null 2>/dev/null) || return 1
		[ "$reply" = PONG ]
	else
		reply=$(
			exec 2>/dev/null
			exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
			printf 'PING\r\n' >&3
			IFS= read -r -t 5 line <&3 || exit 1
			printf '%s' "$line"
		) || return 1
		[ "${reply%$'\r'}" = "+PONG" ]
	fi
}

_te_redis_start_throwaway() {
	local port dir i
	if ! command -v redis-server >/dev/null 2>&1; then
		_te_apt_install redis-server || return 1
		command -v redis-server >/dev/null 2>&1 || { _te_log "redis-server installed but not on PATH"; return 1; }
	fi
	port=$(_te_free_port) || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-redis.XXXXXX") || return 1
	_TE_REDIS_DIR=$dir
	_te_log "Redis: starting a throwaway server (port $port, $dir)"
	if ! redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >&2; then
		_te_log "redis-server failed to start"
		return 1
	fi
	for i in $(seq 1 50); do
		_te_redis_ping "$port" && break
		sleep 0.2
	done
	if ! _te_redis_ping "$port"; then
		_te_log "throwaway Redis does not answer on port $port:"
		tail -n 20 "$dir/redis.log" >&2
		return 1
	fi
	SWITCHBOARD_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
}

_te_redis_stop() {
	[ -n "$_TE_REDIS_DIR" ] || return 0
	local pid i
	pid=$(cat "$_TE_REDIS_DIR/redis.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		_te_log "stopping throwaway Redis (pid $pid)"
		kill "$pid" 2>/dev/null || true
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
	fi
	rm -rf "$_TE_REDIS_DIR"
	_TE_REDIS_DIR=
}

_te_setup_redis() {
	if [ -n "${SWITCHBOARD_TEST_REDIS_URL:-}" ]; then
		_te_log "Redis: using SWITCHBOARD_TEST_REDIS_URL as set: $(_te_mask "$SWITCHBOARD_TEST_REDIS_URL")"
		export SWITCHBOARD_TEST_REDIS_URL
		return 0
	fi
	local probe=${SWITCHBOARD_TEST_REDIS_PROBE_PORT:-6379}
	if _te_redis_ping "$probe"; then
		SWITCHBOARD_TEST_REDIS_URL="redis://127.0.0.1:$probe/0"
		_te_log "Redis: using the local server: $SWITCHBOARD_TEST_REDIS_URL"
	else
		_te_log "Redis: nothing answers PING at 127.0.0.1:$probe"
		_te_redis_start_throwaway || return 1
		_te_log "Redis: using the throwaway server: $SWITCHBOARD_TEST_REDIS_URL"
	fi
	export SWITCHBOARD_TEST_REDIS_URL
}

# ---------------------------------------------------------------- Chromium

_te_setup_chromium() {
	if [ -n "${SWITCHBOARD_TEST_SKIP_CHROMIUM:-}" ]; then
		_te_log "Chromium: skipped (SWITCHBOARD_TEST_SKIP_CHROMIUM)"
		return 0
	fi
	if [ -n "${CHROMIUM_PATH:-}" ]; then
		if [ -x "$CHROMIUM_PATH" ]; then
			_te_log "Chromium: using CHROMIUM_PATH as set: $CHROMIUM_PATH"
			export CHROMIUM_PATH
			return 0
		fi
		_te_log "Chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not executable; falling back to Debian's chromium"
	fi
	CHROMIUM_PATH=/usr/bin/chromium
	if [ ! -x "$CHROMIUM_PATH" ]; then
		_te_apt_install chromium || return 1
	fi
	local v
	if ! v=$("$CHROMIUM_PATH" --version </dev/null 2>/dev/null); then
		_te_log "Chromium: $CHROMIUM_PATH --version failed"
		return 1
	fi
	_te_log "Chromium: $CHROMIUM_PATH ($v)"
	export CHROMIUM_PATH
}

# ---------------------------------------------------------------- cleanup

test_env_stop() {
	_te_pg_stop
	_te_redis_stop
}
# The name the docs use; bash allows '-' in function names.
test-env-stop() { test_env_stop "$@"; }

_te_install_trap() {
	[ -z "${SWITCHBOARD_TEST_ENV_NO_TRAP:-}" ] || return 0
	[ -z "${_TE_TRAP_SET:-}" ] || return 0
	local prev=
	# `trap -p EXIT` prints: trap -- 'command' EXIT
	# shellcheck disable=SC2317 # called through eval
	_te_grab() { prev=${3:-}; }
	eval "_te_grab $(trap -p EXIT)"
	unset -f _te_grab
	if [ -n "$prev" ]; then
		# Expand now to chain the existing handler; hand it the original exit status as $?
		# (set +e: under errexit the `(exit N)` that sets $? would end the trap).
		# shellcheck disable=SC2064,SC2154
		trap "_te_rc=\$?; test_env_stop; set +e; (exit \$_te_rc); $prev" EXIT
	else
		trap test_env_stop EXIT
	fi
	# Turn Ctrl-C / kill into a normal exit so the EXIT trap runs, unless the caller handles them.
	[ -n "$(trap -p INT)" ] || trap 'exit 130' INT
	[ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
	_TE_TRAP_SET=1
}

_te_main() {
	_te_install_trap
	_te_setup_pg || { _te_log "FAILED to provide PostgreSQL"; return 1; }
	_te_setup_redis || { _te_log "FAILED to provide Redis"; return 1; }
	_te_setup_chromium || { _te_log "FAILED to provide Chromium"; return 1; }
	return 0
}

_te_main
