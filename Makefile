# gptbot — see README.md.
SHELL := /bin/bash
GF    := go tool -modfile=hack/tools/go.mod gf
BIN   := bin/gptbot

.PHONY: run build test test-go test-e2e bench vet gen dao ctrl service check-generated clean

## run: start a local Redis under temp/, the dev model when OPENAI_API_KEY is unset, and serve :8000
run:
	@bash hack/run.sh

## build: one binary with resource/ and the migrations embedded
build:
	CGO_ENABLED=0 go build -trimpath -o $(BIN) .

## test: generated code is fresh, vet, every Go test (unit + integration on real Redis/SQLite), browser e2e
test: check-generated vet test-go test-e2e

# Under the race detector; GPTBOT_TEST_RACE=1 also builds the server the
# integration tests run with -race, and a race it reports fails the test.
test-go:
	GPTBOT_TEST_RACE=1 go test -race -count=1 -timeout 30m ./...

test-e2e:
	@bash hack/e2e.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files -co --exclude-standard '*.go'); exit 1; }
	go vet ./...

## bench: speed and memory targets (go test -bench)
bench:
	go test -run '^$$' -bench . -benchmem ./...

## gen: regenerate dao/do/entity, controllers and service interfaces
gen: dao ctrl service

dao:
	@mkdir -p temp/gen
	go run ./hack/schemadb temp/gen/schema.db
	$(GF) gen dao

ctrl:
	$(GF) gen ctrl

service:
	$(GF) gen service

## check-generated: fail when committed generated code differs from a fresh generation
check-generated:
	@bash hack/check-generated.sh

clean:
	rm -rf bin temp/gen
