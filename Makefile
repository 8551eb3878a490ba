# dbdboot: keeps dattobd's block tracking across reboots and kernel upgrades.
#
#   make                 build (into build/)
#   make check           unit tests, then every VM scenario; ends with
#                        "N passed, N failed"
#   make check-unit      unit tests, fuzz runs, shellcheck only
#   make check-vm [T=01] VM scenarios (all, or those whose folder names hold T)
#   make install [DESTDIR=...] [PREFIX=/usr/local]
#   make deps            install the Debian packages the build and tests need
#   make clean
# See HACKING.md for the layout and tests/README.md for the tests.

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR ?=
BUILD ?= build
VERSION := 0.1.0

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Werror=implicit-function-declaration
CPPFLAGS += -Iinclude -Ilib -D_GNU_SOURCE -DDBDBOOT_VERSION='"$(VERSION)"'
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS)
SAN_CFLAGS := -std=gnu11 $(WARNINGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all

LIB_SRCS := lib/cowhdr.c lib/manifest.c lib/superblock.c
LIB_HDRS := $(wildcard lib/*.h include/dbdboot/*.h)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(wildcard tests/fuzz/fuzz-*.c))
DOUBLE_VERSION := 0.12.1-double
DOUBLE_TREE := $(BUILD)/double/dattobd-$(DOUBLE_VERSION)

.PHONY: all check check-unit check-vm test-tools install uninstall clean deps

all: $(BUILD)/libdbdboot.a

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libdbdboot.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

# Test tools, never installed.
$(BUILD)/tests/test-%: tests/unit/test-%.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) -o $@ $< $(LIB_SRCS) -lcmocka

$(BUILD)/tests/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRCS)

# The test client runs inside the test VMs: static, so it needs nothing there.
$(BUILD)/tests/dbdtest: tests/client/dbdtest.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -static -o $@ $< $(LIB_SRCS)

# The test double's DKMS source tree: its own files plus the interface header.
$(DOUBLE_TREE): $(wildcard tests/double/*) include/dbdboot/dattobd.h
	rm -rf $@
	mkdir -p $@/include/dbdboot
	cp tests/double/*.c tests/double/*.h tests/double/Kbuild tests/double/Makefile \
		tests/double/dkms.conf tests/double/genconfig.sh $@/
	cp include/dbdboot/dattobd.h $@/include/dbdboot/
	touch $@

test-tools: $(UNIT_TESTS) $(FUZZERS) $(BUILD)/tests/dbdtest $(DOUBLE_TREE)

check: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh unit vm

check-unit: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh unit

check-vm: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh vm $(T)

# What dbdboot installs. The test double and the test tools are never here.
install: all
	install -d $(DESTDIR)$(PREFIX)/share/doc/dbdboot
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/dbdboot/README.md
	install -d $(DESTDIR)$(SYSCONFDIR)/dbdboot
	install -d $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0644 doc/dbdboot-manifest.5 $(DESTDIR)$(PREFIX)/share/man/man5/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/dbdboot
	rm -f $(DESTDIR)$(PREFIX)/share/man/man5/dbdboot-manifest.5

deps:
	tests/install-deps.sh

clean:
	rm -rf $(BUILD)
