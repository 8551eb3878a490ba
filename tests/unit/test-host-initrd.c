// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the host utility on the initrd, on fake roots (opt.root,
 * as --root sets it): what status reads in it and keeps, the
 * --manifest-only segment (after every compressor, its fast path, written
 * only over what was read), dracut's layouts. What needs dkms, libkmod
 * on a real module and a generator is covered by TEST-40-kernel-upgrade.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "testutil.h"

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "generator.h"
#include "inject.h"
#include "kernel.h"
#include "rootpath.h"
#include "hostroot.h"
#include "sysmap.h"

/* An initrd as Debian makes it: raw microcode archive, then the main one
 * compressed with COMPRESS (a command reading stdin). */
static void make_initrd_with(const char *kver, const char *manifest, const char *compress,
			     int filler)
{
	sh("cd %s && rm -rf ir && mkdir -p ir/early/kernel/x86/microcode "
	   "ir/main/usr/lib/modules/%s/updates/dkms ir/main/etc/dbdboot "
	   "ir/main/scripts/local-premount ir/main/usr/lib/dbdboot && "
	   "echo ucode >ir/early/kernel/x86/microcode/GenuineIntel.bin && "
	   "echo module >ir/main/usr/lib/modules/%s/updates/dkms/dattobd.ko && "
	   "echo agent >ir/main/usr/lib/dbdboot/dbdboot-early && "
	   "echo script >ir/main/scripts/local-premount/dbdboot && "
	   "printf '%s' >ir/main/etc/dbdboot/manifest && "
	   "head -c %d /dev/urandom >ir/main/filler && "
	   "(cd ir/early && find . | cpio --quiet -o -H newc) >boot/initrd.img-%s && "
	   "(cd ir/main && find . | cpio --quiet -o -H newc | %s) >>boot/initrd.img-%s",
	   root, kver, kver, manifest, filler, kver, compress, kver);
}

static void make_initrd(const char *kver, const char *manifest)
{
	make_initrd_with(kver, manifest, "zstd -q", 0);
}

/* The size of the test initrd. */
static long long isize(const char *kver)
{
	char q[PATH_MAX];
	struct stat st;

	assert_int_equal(stat(rpath(q, "/boot/initrd.img-%s", kver), &st), 0);
	return (long long)st.st_size;
}

static void initrd_check_and_manifest_segment(void **state)
{
	static const char m1[] = "dbdboot-manifest 1\n";
	static const char m2[] = "dbdboot-manifest 1\nvolume mode=incremental device=/dev/vda "
				 "cow=/.datto minor=0\n";
	struct module_facts mod = { 0 };
	struct initrd_facts f;
	long long size0, size1;
	int stale;

	(void)state;
	make_initrd(K1, "dbdboot-manifest 1\\n");
	put(MANIFEST_PATH, m1, sizeof(m1) - 1);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_true(f.found);
	assert_string_equal(f.problem, "");
	assert_int_equal(f.module, INITRD_OK);
	assert_int_equal(f.agent, INITRD_OK);
	assert_int_equal(f.script, INITRD_OK);
	assert_int_equal(f.manifest, INITRD_OK);
	/* The installed module differs from the initrd's copy: stale. */
	put("/lib/modules/" K1 "/updates/dkms/dattobd.ko", "newer\n", 6);
	mod.found = 1;
	snprintf(mod.path, sizeof(mod.path), "/lib/modules/" K1 "/updates/dkms/dattobd.ko");
	assert_int_equal(initrd_facts(K1, &mod, &f), 0);
	assert_int_equal(f.module, INITRD_STALE);
	/* Compressed, the same module: installed as .ko.xz, in the initrd as
	 * .ko.zst (or unpacked, as mkinitramfs does): the same. */
	sh("cd %s && printf 'module\\n' | xz --check=crc32 >lib/modules/" K1 "/updates/dkms/"
	   "dattobd.ko.xz", root);
	snprintf(mod.path, sizeof(mod.path), "/lib/modules/" K1 "/updates/dkms/dattobd.ko.xz");
	assert_int_equal(initrd_facts(K1, &mod, &f), 0);
	assert_int_equal(f.module, INITRD_OK);
	sh("cd %s/ir/main/usr/lib/modules/" K1 "/updates/dkms && zstd -q --rm dattobd.ko && cd %s && "
	   "(cd ir/main && find . | cpio --quiet -o -H newc | zstd -q) >boot/initrd.img-" K1,
	   root, root);
	assert_int_equal(initrd_facts(K1, &mod, &f), 0);
	assert_int_equal(f.module, INITRD_OK);
	make_initrd(K1, "dbdboot-manifest 1\\n");
	snprintf(mod.path, sizeof(mod.path), "/lib/modules/" K1 "/updates/dkms/dattobd.ko");

	/* The host's manifest changes: stale until --manifest-only. */
	put(MANIFEST_PATH, m2, sizeof(m2) - 1);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(f.manifest, INITRD_STALE);
	size0 = isize(K1);
	assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), 0);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(f.manifest, INITRD_OK);
	assert_int_equal(f.module, INITRD_OK);	/* the rest is untouched */
	assert_int_equal(f.agent, INITRD_OK);
	size1 = isize(K1);
	assert_true(size1 > size0);
	/* Repeated: replaced, not grown. */
	assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), 0);
	assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), 0);
	assert_int_equal(isize(K1), size1);
	/* The appended segment is what cpio(1) reads after the others. */
	sh("cd %s && tail -c %lld boot/initrd.img-" K1 " | cpio --quiet -i --to-stdout "
	   "etc/dbdboot/manifest | grep -q 'device=/dev/vda'", root, size1 - size0 + 3);

	/* Not a manifest on the host: refused, initrd unchanged. */
	put(MANIFEST_PATH, "garbage\n", 8);
	assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), -EINVAL);
	assert_int_equal(isize(K1), size1);

	/* A truncated initrd: refused, unchanged. */
	put(MANIFEST_PATH, m2, sizeof(m2) - 1);
	sh("truncate -s %lld %s/boot/initrd.img-" K1, size0 - 100, root);
	assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), -EBADMSG);
	assert_int_equal(isize(K1), size0 - 100);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_non_null(strstr(f.problem, "could not read '/boot/initrd.img-" K1 "'"));
}

/* initrd_facts of K1 into *F, after which the initrd has been read WALKS
 * times since the test began (W0: the count at its start). */
static void facts_read(struct initrd_facts *f, unsigned int w0, unsigned int walks)
{
	assert_int_equal(initrd_facts(K1, NULL, f), 0);
	assert_int_equal(initrd_walks, w0 + walks);
}

/* What an initrd holds is read once: kept while the initrd, the module,
 * the agent and the manifest are the ones compared; any change, read again. */
static void initrd_facts_kept(void **state)
{
	static const char m1[] = "dbdboot-manifest 1\n";
	static const char m2[] = "dbdboot-manifest 1\nvolume mode=incremental device=/dev/vdb "
				 "cow=/.datto minor=1\n";
	struct initrd_facts f;
	unsigned int w;

	(void)state;
	make_initrd(K1, "dbdboot-manifest 1\\n");
	put(MANIFEST_PATH, m1, sizeof(m1) - 1);
	w = initrd_walks;
	facts_read(&f, w, 1);
	assert_int_equal(f.manifest, INITRD_OK);
	facts_read(&f, w, 1);
	assert_int_equal(f.manifest, INITRD_OK);
	assert_int_equal(f.agent, INITRD_OK);
	/* another manifest on the host */
	put(MANIFEST_PATH, m2, sizeof(m2) - 1);
	facts_read(&f, w, 2);
	assert_int_equal(f.manifest, INITRD_STALE);
	facts_read(&f, w, 2);
	assert_int_equal(f.manifest, INITRD_STALE);
	/* the initrd written, or replaced by another file */
	sh("touch %s/boot/initrd.img-" K1, root);
	facts_read(&f, w, 3);
	sh("cd %s/boot && cp initrd.img-" K1 " x && mv x initrd.img-" K1, root);
	facts_read(&f, w, 4);
	/* another agent installed */
	put(AGENT_PATH, "another agent\n", 14);
	facts_read(&f, w, 5);
	assert_int_equal(f.agent, INITRD_STALE);
	sh("rm -f %s%s", root, AGENT_PATH);
}

/* The file as bytes, for comparisons. */
static char *slurp(const char *rel, size_t *n)
{
	unsigned char *b = NULL;
	char q[PATH_MAX];

	assert_int_equal(read_file(rpath(q, "%s", rel), 1u << 30, &b, n), 0);
	return (char *)b;
}

/* The file REL holds the N bytes at WANT (freed). */
static void expect_bytes(const char *rel, char *want, size_t n)
{
	size_t got_n;
	char *got = slurp(rel, &got_n);

	assert_int_equal(got_n, n);
	assert_memory_equal(got, want, n);
	free(got);
	free(want);
}

/* --manifest-only a second time on the file it wrote and verified: nothing
 * unpacked, the same bytes as a whole walk writes; anything that changed
 * the file or the agent, and the whole initrd is walked again. */
static void manifest_segment_fast_path(void **state)
{
	static const char m2[] = "dbdboot-manifest 1\nvolume mode=incremental device=/dev/vda "
				 "cow=/.datto minor=0\n";
	static const char m3[] = "dbdboot-manifest 1\nvolume mode=incremental device=/dev/vdc "
				 "cow=/.datto minor=2\n";
	const char *ir = "/boot/initrd.img-" K1;
	char *fast, q[PATH_MAX];
	size_t nf;
	unsigned int w;
	int stale;

	(void)state;
	make_initrd(K1, "dbdboot-manifest 1\\n");
	put(AGENT_PATH, "agent\n", 6);
	put(MANIFEST_PATH, m2, sizeof(m2) - 1);
	w = inject_whole_walks;
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(inject_whole_walks, w + 1);
	assert_true(state_has(K1, "initrd-segment"));
	/* Again, and with another manifest: the record holds, nothing unpacked. */
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	put(MANIFEST_PATH, m3, sizeof(m3) - 1);
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(inject_whole_walks, w + 1);
	fast = slurp(ir, &nf);
	/* The same as a whole walk writes. */
	assert_int_equal(unlink(state_path(q, K1, "initrd-segment")), 0);
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(inject_whole_walks, w + 2);
	expect_bytes(ir, fast, nf);
	/* Touched (its times change): walked again. */
	sh("touch -d '2001-01-01' %s%s", root, ir);
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(inject_whole_walks, w + 3);
	/* A generator made it anew: walked again. */
	make_initrd(K1, "dbdboot-manifest 1\\n");
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(inject_whole_walks, w + 4);
	/* Another agent installed: walked, found stale, nothing written. */
	put(AGENT_PATH, "agent 2\n", 8);
	fast = slurp(ir, &nf);
	assert_int_equal(inject_manifest(K1, ir, &stale), 0);
	assert_int_equal(stale, 1);
	assert_int_equal(inject_whole_walks, w + 5);
	expect_bytes(ir, fast, nf);
	sh("rm -f %s%s %s%s", root, AGENT_PATH, root, ir);
}

/*
 * --manifest-only after each compression initramfs-tools offers, with the
 * compressed segment ending off a 4-byte boundary (a filler file is grown
 * until it does): what it writes must read back under the kernel's rules
 * (the reader is as strict as the kernel: after lz4, 4 zero bytes at least).
 */
static void manifest_segment_after_every_compressor(void **state)
{
	static const char *const comp[] = { "gzip -n -9", "bzip2 -9", "xz --format=lzma -9",
					    "xz --check=crc32", "lzop -9", "lz4 -q -9 -l",
					    "zstd -q -19" };
	static const char m2[] = "dbdboot-manifest 1\nvolume mode=incremental device=/dev/vdb "
				 "cow=/.datto minor=1\n";
	struct initrd_facts f;
	int stale;

	(void)state;
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		long long size0;
		int n;

		for (n = 1; n < 64; n++) {
			make_initrd_with(K1, "dbdboot-manifest 1\\n", comp[i], n);
			if (isize(K1) % 4 || !strcmp(comp[i], "xz --check=crc32"))
				break;	/* (an xz stream is always padded to 4 bytes) */
		}
		if (isize(K1) % 4 == 0 && strcmp(comp[i], "xz --check=crc32"))
			fail_msg("%s: always a multiple of 4 bytes", comp[i]);
		size0 = isize(K1);
		put(MANIFEST_PATH, m2, sizeof(m2) - 1);
		assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), 0);
		assert_int_equal(initrd_facts(K1, NULL, &f), 0);
		if (f.problem[0])
			fail_msg("after '%s': %s", comp[i], f.problem);
		assert_int_equal(f.manifest, INITRD_OK);
		assert_int_equal(f.module, INITRD_OK);
		/* Replaced in place, not stacked, and the old bytes kept. */
		assert_int_equal(inject_manifest(K1, "/boot/initrd.img-" K1, &stale), 0);
		assert_int_equal(initrd_facts(K1, NULL, &f), 0);
		assert_string_equal(f.problem, "");
		assert_true(isize(K1) > size0 + 4);
	}
}

/* write_atomic_expect replaces only the file that was read. */
static void write_only_over_what_was_read(void **state)
{
	unsigned char *buf;
	struct stat st;
	size_t len;

	(void)state;
	put("/boot/seen", "one\n", 4);
	assert_int_equal(read_file_st(rpath(p, "/boot/seen"), 64, &buf, &len, &st), 0);
	free(buf);
	put("/boot/seen", "two, newer\n", 11);	/* someone else wrote it since */
	assert_int_equal(write_atomic_expect(rpath(p, "/boot/seen"), "one+\n", 5, 0644, &st),
			 -ESTALE);
	assert_int_equal(read_file(rpath(p, "/boot/seen"), 64, &buf, &len), 0);
	assert_int_equal(len, 11);
	free(buf);
	assert_int_equal(read_file_st(rpath(p, "/boot/seen"), 64, &buf, &len, &st), 0);
	free(buf);
	assert_int_equal(write_atomic_expect(rpath(p, "/boot/seen"), "three\n", 6, 0600, &st), 0);
	assert_int_equal(stat(rpath(p, "/boot/seen"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* A bundle made with tar(1): META lines (with @SUM@ replaced by the module's
 * sha256 unless BADSUM) and a module of the given bytes. */
/* A dracut initrd at Fedora's path: the boot step is dracut's pre-mount
 * hook (no systemd in the initrd; under /var/lib/dracut/hooks with
 * Debian 13's dracut, /usr/lib/dracut/hooks before) or the unit (systemd); a file of ours
 * elsewhere in dracut's hooks is not it. */
static void dracut_initrd(const char *step)
{
	sh("cd %s && rm -rf ir boot/initrd.img-" K1 " && mkdir -p ir/usr/lib/modules/" K1 "/extra "
	   "ir/usr/lib/dbdboot ir/$(dirname %s) && echo module >ir/usr/lib/modules/" K1 "/extra/"
	   "dattobd.ko.xz && echo agent >ir/usr/lib/dbdboot/dbdboot-early && echo step >ir/%s && "
	   "(cd ir && find . | cpio --quiet -o -H newc | gzip) >boot/initramfs-" K1 ".img",
	   root, step, step);
}

static void dracut_layouts(void **state)
{
	static const char *const steps[] = {
		"usr/lib/dracut/hooks/pre-mount/10-dbdboot-pre-mount.sh",
		"usr/lib/systemd/system/dbdboot-early.service",
		/* Debian 13's dracut keeps the hooks under /var */
		"var/lib/dracut/hooks/pre-mount/10-dbdboot-pre-mount.sh",
	};
	struct initrd_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		dracut_initrd(steps[i]);
		assert_int_equal(initrd_facts(K1, NULL, &f), 0);
		assert_true(f.found);
		assert_string_equal(f.path, "/boot/initramfs-" K1 ".img");
		assert_string_equal(f.problem, "");
		assert_int_equal(f.agent, INITRD_OK);
		assert_int_equal(f.script, INITRD_OK);
	}
	dracut_initrd("usr/lib/dracut/hooks/cmdline/10-dbdboot.sh");
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(f.script, INITRD_MISSING);
	sh("rm -f %s/boot/initramfs-" K1 ".img", root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_only_over_what_was_read),
		cmocka_unit_test(manifest_segment_after_every_compressor),
		cmocka_unit_test(initrd_check_and_manifest_segment),
		cmocka_unit_test(initrd_facts_kept),
		cmocka_unit_test(dracut_layouts),
		cmocka_unit_test(manifest_segment_fast_path),
	};

	return cmocka_run_group_tests_name("host-initrd", tests, setup, teardown);
}
