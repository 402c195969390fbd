# Thin wrapper over the CMake presets. `make` builds build/trustgate (release).
.PHONY: all build deps run test asan test-asan fuzz bench clean
JOBS ?= $(shell nproc)

all: build

deps:
	@scripts/install-deps

build: deps
	@test -f build/build.ninja || cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	./build/trustgate demo

test: build
	cd build && ctest -j $(JOBS) --output-on-failure

asan: deps
	@test -f build-asan/build.ninja || cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: asan
	cd build-asan && ctest -j $(JOBS) --output-on-failure

fuzz: deps
	@test -f build-fuzz/build.ninja || cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

clean:
	rm -rf build build-debug build-asan build-fuzz
