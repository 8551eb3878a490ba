# dbdboot: keeps dattobd's block tracking across reboots and kernel upgrades.
#
#   make                 build (into build/)
#   make check           unit tests, then every VM scenario; ends with
#                        "N passed, N failed"
#   make check-unit      unit tests, fuzz runs, shellcheck only
#   make check-vm [T=01] VM scenarios (all, or those whose folder names hold T)
#   make install [DESTDIR=...] [PREFIX=/usr/local]
#   make deps            install the Debian packages the build and tests need
#   make deb             the Debian package, into $(BUILD)/deb (debian/)
#   make clean
# See HACKING.md for the layout and tests/README.md for the tests.

# Builds run one job per core unless told (make JOBS=1, or -jN).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(JOBS)
endif

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
LIBEXECDIR ?= $(PREFIX)/lib/dbdboot
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
SYSTEMD_GENERATOR_DIR ?= $(PREFIX)/lib/systemd/system-generators
# systemd-shutdown runs what is here, and reads only /usr/lib (and /lib).
SYSTEMD_SHUTDOWN_DIR ?= /usr/lib/systemd/system-shutdown
# initramfs-tools reads only this tree, whatever PREFIX is.
INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
# dracut reads its modules only from here, whatever PREFIX is.
DRACUT_MODULES_DIR ?= /usr/lib/dracut/modules.d
# kernel-install(8) reads its plugins from here (and /etc/kernel/install.d).
KERNEL_INSTALL_DIR ?= /usr/lib/kernel/install.d
# Debian's kernel packages run the hooks here only, whatever SYSCONFDIR is.
KERNEL_HOOKS_DIR ?= /etc/kernel
SBINDIR ?= $(PREFIX)/sbin
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
MANIFEST_PATH := $(SYSCONFDIR)/dbdboot/manifest
DESTDIR ?=
BUILD ?= build
VERSION := 0.1.0
PATHS_H := $(BUILD)/include/dbdboot-paths.h
PATHS_SED := $(BUILD)/dbdboot-paths.sed

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Werror=implicit-function-declaration
CPPFLAGS += -I$(BUILD)/include -Iinclude -Ilib -Ikmod -Iearly-agent -D_GNU_SOURCE \
	-DDBDBOOT_VERSION='"$(VERSION)"'
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS)
SAN_CFLAGS := -std=gnu11 $(WARNINGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all

LIB_SRCS := lib/cowhdr.c lib/fmt.c lib/devspec.c lib/fstab.c lib/unitname.c lib/manifest.c lib/superblock.c lib/atomic.c lib/initrd.c lib/unpack.c \
	lib/kernel-unpack.c lib/jsonstr.c lib/symvers.c lib/bundlefmt.c lib/tarw.c lib/debfmt.c lib/efisig.c lib/say.c \
	lib/kallsyms.c lib/uuid.c lib/dattoinfo.c lib/jsonread.c lib/mountinfo.c lib/dercert.c lib/elfmod.c
# Host-side libraries (the initrd reader's decompressors); never in the agent.
HOST_LIBS := -lz -llzma -llz4 -lzstd -lbz2 -llzo2
LIB_HDRS := $(wildcard lib/*.h include/dbdboot/*.h) $(PATHS_H)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)

# The early agent: static, musl, no allocation. musl-gcc has no kernel
# headers of its own: a directory of links to the system's gives it those.
MUSL_GCC ?= musl-gcc
MUSL_INC := $(BUILD)/musl-include
AGENT_SRCS := $(filter-out early-agent/nomalloc.c,$(wildcard early-agent/*.c)) kmod/modload.c \
	lib/manifest.c lib/superblock.c lib/atomic.c lib/jsonstr.c lib/uuid.c lib/mountinfo.c \
	lib/jsonread.c lib/fmt.c lib/dattoinfo.c lib/preload.c
AGENT_HDRS := $(wildcard early-agent/*.h kmod/*.h) $(LIB_HDRS)
AGENT := $(BUILD)/dbdboot-early

# The systemd generator: glibc; the agent's command-line reader, the parsers.
GEN := $(BUILD)/dbdboot-generator
GEN_SRCS := $(wildcard generator/*.c) early-agent/cmdline.c lib/manifest.c lib/devspec.c \
	lib/fstab.c lib/unitname.c lib/jsonread.c lib/atomic.c lib/uuid.c lib/fmt.c lib/say.c
GEN_CPPFLAGS := -Igenerator

# The host utility: glibc, libkmod, the decompressors.
HOST := $(BUILD)/dbdboot
HOST_DIRS := $(addprefix initrd-modules/,cli kernels initrds lifecycle shared)
HOST_SRCS := $(wildcard $(HOST_DIRS:%=%/*.c))
# dbdboot's fix of dattobd's reload bug, compiled in as a string (fix.c).
FIX_PATCH_H := $(BUILD)/include/dbdboot-fix-patch.h
HOST_HDRS := $(wildcard $(HOST_DIRS:%=%/*.h)) $(LIB_HDRS) $(FIX_PATCH_H)
HOST_CPPFLAGS := -Wno-format-truncation $(HOST_DIRS:%=-I%) $(shell pkg-config --cflags libkmod 2>/dev/null)
KMOD_LIBS := $(shell pkg-config --libs libkmod 2>/dev/null || echo -lkmod)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(wildcard tests/fuzz/fuzz-*.c))
DOUBLE_VERSION := 0.12.1-double
DOUBLE_TREE := $(BUILD)/double/dattobd-$(DOUBLE_VERSION)

.PHONY: all check check-unit check-vm test-tools install uninstall clean deps demo deb

all: $(AGENT) $(HOST) $(GEN)

$(MUSL_INC):
	mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $@/asm

# $(AGENT).debug keeps the symbols (tests/cli/test-agent-static.sh reads them).
# Size (goal: under 64 KiB): no unwind tables (C, nothing unwinds), the code
# and read-only data in one segment and no RELRO page (each cost a page of
# padding), no build id; and no libc printf (lib/fmt.c).
AGENT_SIZE_FLAGS := -fno-asynchronous-unwind-tables -fno-unwind-tables -Wl,-z,noseparate-code \
	-Wl,-z,norelro -Wl,--build-id=none
$(AGENT): $(AGENT_SRCS) early-agent/nomalloc.c $(AGENT_HDRS) | $(MUSL_INC)
	$(MUSL_GCC) $(CPPFLAGS) -isystem $(MUSL_INC) -std=gnu11 $(WARNINGS) -Os -static \
		-ffunction-sections -fdata-sections -Wl,--gc-sections $(AGENT_SIZE_FLAGS) -o $@.debug \
		$(AGENT_SRCS) early-agent/nomalloc.c
	strip -o $@ $@.debug

# The same agent built with glibc and the sanitizers, for the tests.
$(BUILD)/tests/dbdboot-early: $(AGENT_SRCS) $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) -o $@ $(AGENT_SRCS)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The installed paths, in one generated header that the C code includes and
# from which the sed script that fills the hook scripts' @NAME@ is made:
# DBD_PATH_NAME in the header is @NAME@ in a script. Rewritten only when a
# path changes, so that a change rebuilds what uses it.
$(PATHS_H): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '/* Generated by make from its path variables (Makefile): do not edit. */' \
		'#define DBD_PATH_SYSCONFDIR "$(SYSCONFDIR)"' \
		'#define DBD_PATH_MANIFEST "$(MANIFEST_PATH)"' \
		'#define DBD_PATH_AGENT "$(LIBEXECDIR)/dbdboot-early"' \
		'#define DBD_PATH_DBDBOOT "$(SBINDIR)/dbdboot"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(FIX_PATCH_H): initrd-modules/kernels/fixes/reload-cow-dev.patch
	@mkdir -p $(dir $@)
	@{ echo '/* Generated by make from $< (Makefile): do not edit. */'; \
		echo '#define FIX_PATCH_TEXT \'; \
		sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n" \\/' $<; \
		printf '\t""\n'; } >$@.tmp && mv $@.tmp $@
$(PATHS_SED): $(PATHS_H)
	sed -n 's/^#define DBD_PATH_\([A-Z_]*\) "\(.*\)"$$/s|@\1@|\2|g/p' $< >$@
FORCE:

$(HOST): $(HOST_SRCS) $(HOST_HDRS) $(LIB_OBJS)
	$(CC) $(CPPFLAGS) $(HOST_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(HOST_SRCS) $(LIB_OBJS) \
		$(KMOD_LIBS) $(HOST_LIBS)

# The same with the sanitizers: what the tests run.
$(BUILD)/tests/dbdboot: $(HOST_SRCS) $(HOST_HDRS) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(HOST_CPPFLAGS) $(SAN_CFLAGS) -o $@ $(HOST_SRCS) $(LIB_SRCS) \
		$(KMOD_LIBS) $(HOST_LIBS)

# The systemd generator: glibc; the agent's command-line reader, the parsers.
$(GEN): $(GEN_SRCS) $(wildcard generator/*.h) $(AGENT_HDRS)
	$(CC) $(CPPFLAGS) $(GEN_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(GEN_SRCS)

$(BUILD)/tests/dbdboot-generator: $(GEN_SRCS) $(wildcard generator/*.h) $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(GEN_CPPFLAGS) $(SAN_CFLAGS) -o $@ $(GEN_SRCS)

# Test tools, never installed.
# Unit tests link every unit but the programs' main().
UNIT_SRCS := $(sort $(LIB_SRCS) $(filter-out early-agent/main.c,$(AGENT_SRCS)))
# Each of those compiled once per flavour (sanitized; sanitized and
# instrumented for libFuzzer), then linked into every unit test and fuzzer:
# compiled into each program instead, they were some 1,000 compilations.
SAN_OBJS := $(patsubst %.c,$(BUILD)/obj-san/%.o,$(UNIT_SRCS))
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/obj-fuzz/%.o,$(UNIT_SRCS))
# Made by pattern rules only, they would be intermediate files: deleted at
# the end of every make, and every unit test and fuzzer linked again.
.SECONDARY: $(SAN_OBJS) $(FUZZ_OBJS)
$(BUILD)/obj-san/%.o: %.c $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) -c -o $@ $<
$(BUILD)/obj-fuzz/%.o: %.c $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(BUILD)/tests/test-%: tests/unit/test-%.c tests/unit/testutil.h tests/unit/agentroot.h $(SAN_OBJS) $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SAN_CFLAGS) -o $@ $< $(SAN_OBJS) -lcmocka $(HOST_LIBS)

# The host utility's test links its units but main().
$(BUILD)/tests/test-host $(BUILD)/tests/test-host-initrd $(BUILD)/tests/test-host-sig: $(BUILD)/tests/%: tests/unit/%.c \
		tests/unit/testutil.h tests/unit/hostroot.h tests/unit/ksyms-image.h \
		$(HOST_SRCS) $(HOST_HDRS) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(HOST_CPPFLAGS) -Itests/unit $(SAN_CFLAGS) -o $@ $< \
		$(filter-out initrd-modules/cli/main.c,$(HOST_SRCS)) $(LIB_SRCS) -lcmocka $(KMOD_LIBS) \
		$(HOST_LIBS)

$(BUILD)/tests/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_OBJS) $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJS) \
		$(HOST_LIBS)

# The test client runs inside the test VMs: static, so it needs nothing there.
$(BUILD)/tests/dbdtest: tests/client/dbdtest.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -static -o $@ $< lib/cowhdr.c lib/uuid.c

# The test double's DKMS source tree: its own files plus the interface header.
$(DOUBLE_TREE): $(wildcard tests/double/*) include/dbdboot/dattobd.h
	rm -rf $@
	mkdir -p $@/include/dbdboot
	cp tests/double/*.c tests/double/*.h tests/double/Kbuild tests/double/Makefile \
		tests/double/dkms.conf tests/double/genconfig.sh $@/
	cp include/dbdboot/dattobd.h $@/include/dbdboot/
	touch $@

test-tools: $(UNIT_TESTS) $(FUZZERS) $(BUILD)/tests/dbdtest $(BUILD)/tests/dbdboot-early \
	$(BUILD)/tests/dbdboot $(BUILD)/tests/dbdboot-generator \
	$(DOUBLE_TREE)

check: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh unit vm

check-unit: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh unit

check-vm: all test-tools
	BUILD=$(abspath $(BUILD)) tests/check.sh vm $(T)

# What dbdboot installs. The test double and the test tools are never here.
KHOOKS := postinst.d/dbdboot:postinst-early postinst.d/zz-dbdboot:postinst-late \
	header_postinst.d/dbdboot:header-postinst postrm.d/dbdboot:postrm
install: all $(PATHS_SED)
	install -D -m 0755 $(HOST) $(DESTDIR)$(SBINDIR)/dbdboot
	set -e; for h in $(KHOOKS); do \
		install -d $(DESTDIR)$(KERNEL_HOOKS_DIR)/$$(dirname $${h%%:*}); \
		sed -f $(PATHS_SED) initrd-modules/kernels/hooks/$${h#*:} \
			>$(DESTDIR)$(KERNEL_HOOKS_DIR)/$${h%%:*}; \
		chmod 0755 $(DESTDIR)$(KERNEL_HOOKS_DIR)/$${h%%:*}; \
	done
	install -d $(DESTDIR)$(KERNEL_INSTALL_DIR)
	sed -f $(PATHS_SED) initrd-modules/kernels/hooks/kernel-install \
		>$(DESTDIR)$(KERNEL_INSTALL_DIR)/45-dbdboot.install
	chmod 0755 $(DESTDIR)$(KERNEL_INSTALL_DIR)/45-dbdboot.install
	install -D -m 0755 $(AGENT) $(DESTDIR)$(LIBEXECDIR)/dbdboot-early
	install -d $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/local-premount \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top
	sed -f $(PATHS_SED) initramfs-hooks/hooks/dbdboot >$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/dbdboot
	set -e; for s in local-premount init-top; do \
		sed -f $(PATHS_SED) initramfs-hooks/scripts/$$s/dbdboot >$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/$$s/dbdboot; \
		chmod 0755 $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/$$s/dbdboot; \
	done
	chmod 0755 $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/dbdboot
	install -d $(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot
	set -e; for f in module-setup.sh dbdboot-pre-mount.sh dbdboot-early.service \
		dbdboot-preload.sh dbdboot-preload.service; do \
		sed -f $(PATHS_SED) dracut-module/90dbdboot/$$f >$(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/$$f; \
	done
	chmod 0755 $(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/module-setup.sh \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/dbdboot-pre-mount.sh \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/dbdboot-preload.sh
	chmod 0644 $(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/dbdboot-early.service \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot/dbdboot-preload.service
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR) $(DESTDIR)$(SYSTEMD_SHUTDOWN_DIR)
	install -m 0755 initrd-modules/lifecycle/system-shutdown $(DESTDIR)$(SYSTEMD_SHUTDOWN_DIR)/dbdboot
	set -e; for u in dbdboot-shutdown dbdboot-verdict dbdboot-rejudge@; do \
		sed -f $(PATHS_SED) systemd/$$u.service.in >$(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$u.service; \
		chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$u.service; \
	done
	install -D -m 0755 $(GEN) $(DESTDIR)$(SYSTEMD_GENERATOR_DIR)/dbdboot-generator
	install -D -m 0644 completion/dbdboot $(DESTDIR)$(BASH_COMPLETION_DIR)/dbdboot
	install -d $(DESTDIR)$(PREFIX)/share/doc/dbdboot
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/dbdboot/README.md
	install -d $(DESTDIR)$(SYSCONFDIR)/dbdboot
	install -d $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0644 doc/dbdboot-manifest.5 doc/dbdboot-verdict.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 doc/dbdboot-early.8 doc/dbdboot.8 doc/dbdboot-generator.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/dbdboot $(DESTDIR)$(KERNEL_INSTALL_DIR)/45-dbdboot.install
	for h in $(KHOOKS); do rm -f $(DESTDIR)$(KERNEL_HOOKS_DIR)/$${h%%:*}; done
	rm -f $(DESTDIR)$(LIBEXECDIR)/dbdboot-early $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/dbdboot \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/local-premount/dbdboot \
		$(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/init-top/dbdboot
	rm -rf $(DESTDIR)$(DRACUT_MODULES_DIR)/90dbdboot
	rm -f $(DESTDIR)$(SYSTEMD_SHUTDOWN_DIR)/dbdboot
	rm -f $(DESTDIR)$(SYSTEMD_UNIT_DIR)/dbdboot-shutdown.service \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)/dbdboot-verdict.service \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)/dbdboot-rejudge@.service \
		$(DESTDIR)$(SYSTEMD_GENERATOR_DIR)/dbdboot-generator
	rm -f $(DESTDIR)$(BASH_COMPLETION_DIR)/dbdboot
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/dbdboot
	rm -f $(DESTDIR)$(PREFIX)/share/man/man5/dbdboot-manifest.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/dbdboot-verdict.5
	rm -f $(DESTDIR)$(PREFIX)/share/man/man8/dbdboot-early.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/dbdboot.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/dbdboot-generator.8
	-rmdir $(DESTDIR)$(SYSCONFDIR)/dbdboot $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

deps:
	tests/install-deps.sh

# The Debian package, built by dpkg-buildpackage from a copy of the tree in
# $(BUILD)/deb (it writes its .deb beside the tree it builds).
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/dbdboot-$(VERSION)
# Not copied: builds (this one too, when it is inside the tree) and what a
# dpkg-buildpackage run in the tree itself leaves.
DEB_EXCLUDE := build $(patsubst $(CURDIR)/%,%,$(filter $(CURDIR)/%,$(abspath $(BUILD)))) \
	debian/build debian/dbdboot debian/.debhelper debian/files debian/*.substvars \
	debian/debhelper-build-stamp
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -C $(CURDIR) -c --exclude-vcs $(DEB_EXCLUDE:%=--exclude=./%) . | tar -C $(DEB_SRC) -x
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc --no-sign -jauto >../build.log 2>&1 || \
		{ tail -n 30 ../build.log; echo "make deb: dpkg-buildpackage failed, see $(DEB_DIR)/build.log" >&2; exit 1; }
	@ls $(DEB_DIR)/*.deb

# The main job on a throwaway VM (TEST-49-demo): track, sync, reboot, verdict.
demo:
	tests/install-deps.sh
	$(MAKE) all test-tools
	BUILD=$(abspath $(BUILD)) bash tests/vm/lib/prepare.sh
	BUILD=$(abspath $(BUILD)) bash tests/vm/TEST-49-demo/test.sh

clean:
	rm -rf $(BUILD)
