# umli — see README.md. The two commands every user needs: `make demo` and `make test`.
GO        ?= go
OUT       ?= demo-out
FUZZTIME  ?= 60s

.PHONY: all build demo test deps vet fmt-check lint unit bench fuzz clean

all: build

build:
	$(GO) build ./...

## demo: run the whole system on embedded defaults and print what the LEMF received
demo:
	$(GO) run ./cmd/umli demo --out $(OUT)
	@echo
	@echo "View what the LEMF received in a browser (loopback only):"
	@echo "  $(GO) run ./cmd/lemf serve --dir $(OUT)"
	@echo "  then open http://127.0.0.1:8080/"

## test: install missing system packages (root on Debian), then vet, gofmt check, lint and race tests
test: deps vet fmt-check lint unit

deps:
	@bash scripts/install-deps.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## lint: golangci-lint (the version pinned in go.mod's tool block) with .golangci.yml;
## results are cached, so a re-run after a small change takes seconds.
lint:
	$(GO) tool golangci-lint run --timeout 30m ./...

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

## bench: the benchmarks that have baselines plus the end-to-end load runs -> BENCHMARKS.md
bench:
	bash scripts/bench-report.sh BENCHMARKS.md

## bench-all: every Go benchmark in the module, six times, summarised by benchstat
bench-all:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt
	$(GO) tool benchstat bench.txt

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@bash scripts/fuzz-all.sh $(FUZZTIME)

clean:
	rm -rf $(OUT) bench.txt

.PHONY: faults bench-report bench-all bench-mediation bench-load bench-before

## faults: the fault-injection and scale-out proof in long mode (60 s per fault)
faults:
	UMLI_FAULTS_LONG=1 $(GO) test -race -count=1 -timeout 60m -v -run . ./proof/faults/ ./proof/cluster/
	UMLI_FAULTS_LONG=1 $(GO) test -count=1 -timeout 20m -v -run TestPeersSIGKILLOneInstance ./cmd/umli/

## bench-mediation: BenchmarkMediation of the previous release (BASELINE_REF, default 7c023a6)
## and of this tree, side by side -> the mediation section of BENCHMARKS.md
bench-mediation:
	ONLY=mediation bash scripts/bench-report.sh BENCHMARKS.md

## bench-load: issue 16's `umsim load` rows (--rate 500 and 2500, um=100) and the mixed row
bench-load:
	ONLY=load bash scripts/bench-report.sh BENCHMARKS.md

## bench-before: the first table's benchmarks in BEFORE_REF (default 7c023a6, before issue 19) and
## in this tree, alternately (BEFORE_ROUNDS rounds) -> the report's before/after section
bench-before:
	ONLY=before bash scripts/bench-report.sh BENCHMARKS.md

## bench-report: same as bench
bench-report:
	bash scripts/bench-report.sh BENCHMARKS.md
