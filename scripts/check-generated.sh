#!/usr/bin/env bash
# Fails when committed generated code is stale: regenerates gqlgen's code (graph/) and the
# console's GraphQL types (frontend/src/gql) and reports any difference. It restores nothing:
# the regenerated files stay in the work tree for you to look at and commit.
#
# "Stale" means regeneration changed something. The work tree is fingerprinted before and after,
# so in a fresh clone (CI) this is exactly "git status shows changes", and locally uncommitted
# but already-regenerated work is not mistaken for stale code.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PATHS=(graph frontend/src/gql)

# One line per file under PATHS that git tracks or would track: "<sha256>  <path>".
fingerprint() {
	git ls-files -z --cached --others --exclude-standard -- "${PATHS[@]}" | sort -zu |
		while IFS= read -r -d '' f; do
			if [ -f "$f" ]; then sha256sum -- "$f"; else echo "(deleted)  $f"; fi
		done
}

before=$(fingerprint)

if [ -f gqlgen.yml ]; then
	echo "+ go run github.com/99designs/gqlgen generate"
	go run github.com/99designs/gqlgen generate
else
	echo "no gqlgen.yml: gqlgen skipped"
fi

if [ -f frontend/package.json ] &&
	node -e 'process.exit(require("./frontend/package.json").scripts?.codegen ? 0 : 1)'; then
	make -s frontend-deps
	echo "+ (cd frontend && npm run codegen)"
	(cd frontend && npm run codegen)
else
	echo "no codegen script in frontend/package.json: console codegen skipped"
fi

after=$(fingerprint)

if [ "$before" != "$after" ]; then
	echo
	echo "regeneration changed these files:"
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") |
		sed -nE 's/^[<>] [0-9a-f]{64}  |^[<>] \(deleted\)  /  /p' | sort -u || true
	echo
	git diff --stat -- "${PATHS[@]}" || true
	git status --porcelain -- "${PATHS[@]}" || true
	echo
	echo "generated code is stale: run make generate" >&2
	exit 1
fi
echo "generated code is current"
