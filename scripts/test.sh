#!/usr/bin/env bash
# Switchboard's whole test suite, as CI runs it (`make test`, `.ci/run`). Fail-fast: the first
# failing section ends the run with a non-zero status; "ALL TESTS PASSED" is printed only at the end.
#
#   FUZZTIME=10s    how long each Fuzz* target runs (0 or "off" skips fuzzing)
#
# Servers for the tests come from scripts/test-env.sh (see there): an already-set
# SWITCHBOARD_TEST_DATABASE_URL / SWITCHBOARD_TEST_REDIS_URL / CHROMIUM_PATH is used as is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
FUZZTIME=${FUZZTIME:-10s}

SECTION="start"
SECTION_NO=0
section() {
	SECTION=$*
	SECTION_NO=$((SECTION_NO + 1))
	printf '\n==== [%d] %s  (t+%ds)\n' "$SECTION_NO" "$SECTION" "$SECONDS"
}
note() { printf -- '---- %s\n' "$*"; }

on_exit() {
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '\n==== TESTS FAILED in [%d] %s (exit %d, after %ds)\n' "$SECTION_NO" "$SECTION" "$rc" "$SECONDS" >&2
	fi
}
# Set before sourcing test-env.sh, which chains its cleanup in front of this handler.
trap on_exit EXIT

# True when frontend/package.json defines the npm script $1.
npm_has() {
	[ -f frontend/package.json ] &&
		node -e 'process.exit(require("./frontend/package.json").scripts?.[process.argv[1]] ? 0 : 1)' "$1"
}

section "test environment"
# shellcheck source=scripts/test-env.sh
. scripts/test-env.sh || exit 1

section "gofmt"
unformatted=$(find . \( -name node_modules -o -name testdata -o -name '.?*' -o -name '_*' -o -path ./data -o -path ./bin \) -prune \
	-o -name '*.go' -print0 | xargs -0 -r gofmt -l)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt -w:"
	echo "$unformatted"
	exit 1
fi
echo "ok"

# The module's packages, without Go code that npm packages ship inside frontend/node_modules.
go_packages() { go list ./... | grep -v '/node_modules/'; }

section "go vet"
mapfile -t pkgs < <(go_packages)
go vet "${pkgs[@]}"

section "generated code is current"
bash scripts/check-generated.sh

section "go test -race"
mapfile -t pkgs < <(go_packages)
go test -race -count=1 -timeout 20m "${pkgs[@]}"

section "fuzz (${FUZZTIME} per target)"
if [ "$FUZZTIME" = 0 ] || [ "$FUZZTIME" = off ]; then
	note "skipped (FUZZTIME=$FUZZTIME)"
else
	# Every `func FuzzX(f *testing.F)` in a _test.go file, found afresh each run.
	mapfile -t targets < <(
		grep -rEo --include='*_test.go' --exclude-dir=node_modules --exclude-dir=testdata --exclude-dir=.git \
			'^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' . |
			sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u
	)
	if [ "${#targets[@]}" -eq 0 ]; then
		note "no Fuzz* targets found"
	fi
	for t in "${targets[@]}"; do
		read -r dir name <<<"$t"
		note "$name in $dir"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$dir"
	done
fi

section "console (frontend)"
if [ -f frontend/package.json ]; then
	# npm ci unless node_modules already matches package-lock.json (e.g. installed by
	# check-generated.sh earlier in this run).
	make -s frontend-deps
	# CI=true: a watch-mode default (plain `vitest`) must not wait on a terminal.
	(cd frontend && CI=true npm test)
	if npm_has codegen:check; then
		(cd frontend && npm run codegen:check)
	else
		note "no codegen:check script in frontend/package.json"
	fi
else
	note "no frontend/package.json yet: skipped"
fi

section "build (make build)"
make build

section "end-to-end"
if [ -f frontend/scripts/e2e.sh ]; then
	BIN="$ROOT/bin/switchboard" bash frontend/scripts/e2e.sh
else
	note "no frontend/scripts/e2e.sh yet: skipped"
fi

SECTION="done"
printf '\n==== ALL TESTS PASSED (%ds)\n' "$SECONDS"
