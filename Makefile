# Switchboard — `make` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

MODULE  := github.com/switchboard-hub/switchboard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/switchboard
LDFLAGS := -s -w -X $(MODULE)/server.Version=$(VERSION)

# gqlgen's version is the one pinned in go.mod.
GQLGEN := go run github.com/99designs/gqlgen
# staticcheck 2026.2.2; `go run pkg@version` ignores go.mod, so pin it here.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK := go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

RUN_ARGS   ?=
BENCH_ARGS ?=

# Go files that gofmt must accept: what the go tool itself would see.
GO_FILES := find . \( -name node_modules -o -name testdata -o -name '.?*' -o -name '_*' -o -path ./data -o -path ./bin \) -prune -o -name '*.go' -print0

HAVE_FRONTEND := $(wildcard frontend/package.json)
# npm writes node_modules/.package-lock.json on every install: it is newer than the lock file
# exactly when node_modules is up to date, so `npm ci` is skipped otherwise.
FRONTEND_DEPS := $(if $(HAVE_FRONTEND),frontend/node_modules/.package-lock.json)
# $(call npm_script,NAME): a shell test, true when frontend/package.json defines script NAME.
npm_script = { [ -f frontend/package.json ] && node -e 'process.exit(require("./frontend/package.json").scripts?.[process.argv[1]] ? 0 : 1)' '$(1)'; }

.PHONY: help frontend frontend-deps build run test generate lint bench docker clean

help: ## list the targets
	@echo "Switchboard make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: VERSION=$(VERSION) RUN_ARGS= BENCH_ARGS= STATICCHECK_VERSION=$(STATICCHECK_VERSION)"

frontend-deps: $(FRONTEND_DEPS) ## install the console's npm packages (npm ci) when the lock file changed

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci
	touch $@

frontend: frontend-deps ## build the console into frontend/dist
ifneq ($(HAVE_FRONTEND),)
	cd frontend && npm run build
else
	@echo "frontend: no frontend/package.json yet; console build skipped"
endif

build: frontend ## build bin/switchboard: static (CGO_ENABLED=0), console embedded
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
	@echo "built $(BIN) ($(VERSION))"

run: build ## run the embedded default: SQLite in ./data + in-process Redis (RUN_ARGS=...)
	./$(BIN) serve $(RUN_ARGS)

test: ## the whole suite, as CI runs it (scripts/test.sh)
	bash scripts/test.sh

generate: frontend-deps ## regenerate gqlgen code and the console's GraphQL types
	$(GQLGEN) generate
	if $(call npm_script,codegen); then cd frontend && npm run codegen; fi

lint: frontend-deps ## gofmt, go vet, staticcheck, and the console's lint
	@unformatted=$$($(GO_FILES) | xargs -0 -r gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed (run gofmt -w):"; echo "$$unformatted"; exit 1; fi
	go vet $$(go list ./... | grep -v /node_modules/)
	$(STATICCHECK) $$(go list ./... | grep -v /node_modules/)
	if $(call npm_script,lint); then cd frontend && npm run lint; else echo "lint: no console lint script"; fi

bench: build ## run the benchmark tool in bench/ (BENCH_ARGS=...)
	BIN=$(CURDIR)/$(BIN) go run ./bench $(BENCH_ARGS)

docker: ## build the container image switchboard (needs a Docker engine)
	docker build --build-arg VERSION=$(VERSION) -t switchboard .

clean: ## remove build outputs (not ./data)
	rm -rf bin
	rm -f coverage* *.test
	if [ -d frontend/dist ]; then git clean -fdXq -- frontend/dist 2>/dev/null || rm -rf frontend/dist; fi
