# The two commands of the README: `make run` and `make test`. Everything else is for developers.
BUILD     ?= build
WERROR    ?= $(if $(CI),ON,OFF)
JOBS      ?= $(shell nproc)
PARAWORK_ARGS ?=

.PHONY: all bootstrap configure build run test test-unit test-integration test-asan bench format format-check clean

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

test-integration: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L integration

test-asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan WERROR=OFF \
	  CMAKE_EXTRA=-DPARAWORK_SANITIZE=ON

bench: build
	scripts/bench

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')

clean:
	rm -rf $(BUILD) build-asan
