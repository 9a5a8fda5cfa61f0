# The two commands of the README: `make run` and `make test`. Everything else is for developers.
BUILD     ?= build
WERROR    ?= $(if $(CI),ON,OFF)
JOBS      ?= $(shell nproc)
PARAWORK_ARGS ?=

LINT_FILES ?= $(shell git ls-files 'src/*.cpp')

.PHONY: lint fuzz all bootstrap configure build run test test-agents test-unit test-integration test-asan bench format format-check clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DPARAWORK_WERROR=$(WERROR) $(CMAKE_EXTRA)

configure: bootstrap $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/parawork serve $(PARAWORK_ARGS)

test: build format-check test-agents
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The real agent CLI some tests run (tests/agents; only for the tests).
test-agents:
	@scripts/install-test-agents

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

test-integration: build test-agents
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L integration

test-asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan WERROR=OFF \
	  CMAKE_EXTRA=-DPARAWORK_SANITIZE=ON

FUZZ_SECONDS ?= 30
FUZZ_TARGETS := fuzz_host_frames fuzz_ws_events fuzz_request_gate fuzz_log_lines fuzz_preview_inputs fuzz_screen \
                fuzz_terminal_signals fuzz_mcp_messages
fuzz: configure
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DPARAWORK_FUZZ=ON -DPARAWORK_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS) --target $(FUZZ_TARGETS)
	@for f in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$f; \
	  echo "== $$f ($(FUZZ_SECONDS) s)"; \
	  seeds=tests/fuzz/regressions/$$f; [ -d $$seeds ] || seeds=; \
	  build-fuzz/tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus/$$f $$seeds || exit 1; \
	done
	@echo "== fuzz_screen's corpus under valgrind (libvterm is not built with ASan)"
	cmake --build $(BUILD) -j $(JOBS) --target replay_fuzz_screen
	valgrind -q --error-exitcode=1 $(BUILD)/tests/replay_fuzz_screen build-fuzz/corpus/fuzz_screen \
	  tests/fuzz/regressions/fuzz_screen

bench: build
	scripts/bench

# clang-tidy with .clang-tidy's checks over every source file (slow: minutes on 2 cores).
lint: build
	@command -v run-clang-tidy >/dev/null || { echo "clang-tidy is missing (scripts/bootstrap installs it)"; exit 1; }
	run-clang-tidy -quiet -p $(BUILD) -j $(JOBS) $(addprefix $(CURDIR)/,$(LINT_FILES))

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')

format-check:
	@command -v clang-format >/dev/null || { echo "clang-format is missing (scripts/bootstrap installs it)"; exit 1; }
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
