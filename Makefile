# The front door. Two commands do everything:
#   make demo    set up, build, and run the main job on the bundled samples
#   make check   set up, build, and run the whole test suite
# Both first install any missing Debian packages (with sudo when not root).

BUILD    ?= build
SANITIZE ?= none
DEMO     ?= demo
MESON    ?= meson

# Debian packages the build and the tests need.
PACKAGES = build-essential meson ninja-build pkg-config python3 \
	libsqlite3-dev libxml2-dev libpcre2-dev nettle-dev libzip-dev libutf8proc-dev libvectorscan-dev libxlsxwriter-dev check time \
	sqlite3 util-linux valgrind python3-scipy libmicrohttpd-dev libsodium-dev libedit-dev man-db poppler-utils python3-pandas libxml2-utils

COLLECTOR = $(BUILD)/collector/collector
ANALYSER  = $(BUILD)/analyser/analyser

.PHONY: all deps configure build demo check fuzz clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo=sudo; fi; \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing; \
	fi

# Configured once; reconfigured only when SANITIZE changes.
configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
		$(MESON) setup $(BUILD) -Db_sanitize=$(SANITIZE); \
	elif [ "$$(cat $(BUILD)/.sanitize 2>/dev/null)" != "$(SANITIZE)" ]; then \
		$(MESON) configure $(BUILD) -Db_sanitize=$(SANITIZE); \
	fi
	@echo "$(SANITIZE)" > $(BUILD)/.sanitize

build: configure
	$(MESON) compile -C $(BUILD)

# The main job on the bundled samples; the database is left in $(DEMO)/survey.db.
demo: build
	@tools/demo.sh $(COLLECTOR) $(ANALYSER) $(DEMO)

check: build
	$(MESON) test -C $(BUILD) --print-errorlogs
	@python3 tools/test_summary.py $(BUILD)/meson-logs/testlog.json

# libFuzzer harnesses, FUZZ_SECONDS each (needs clang and libclang-rt-14-dev).
fuzz: deps
	fuzz/run.sh $(or $(FUZZ_SECONDS),60)

clean:
	rm -rf $(BUILD) $(DEMO)
