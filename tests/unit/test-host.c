// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the host utility's readers and writers on fake roots
 * (opt.root, as --root sets it): the kernel list, System.map states, the
 * recovery from a bzImage built here, dkms' tree, the initrd check, the
 * --manifest-only segment, and the removal hook. What needs dkms, libkmod
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
#include "ksyms-image.h"
#include "rootpath.h"
#include "sysmap.h"

#define K1 "6.1.0-9-cloud-amd64"
#define K2 "6.1.0-10-cloud-amd64"

static char root[] = "/tmp/dbdboot-host-XXXXXX";
static char p[PATH_MAX];

static const char placeholder[] =
	"ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n";

static void put(const char *path, const void *data, size_t len)
{
	assert_int_equal(write_atomic(rpath(p, "%s", path), data, len, 0644), 0);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	opt.root = root;
	opt.quiet = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	run("rm -rf %s", root);
	return 0;
}

static void kernel_list(void **state)
{
	char list[8][KVER_MAX];

	(void)state;
	put("/boot/vmlinuz-" K1, "x", 1);
	put("/lib/modules/" K2 "/modules.dep", "", 0);
	sh("mkdir -p %s/lib/modules/6.1.0-1-leftover", root);	/* empty: no kernel */
	put("/boot/vmlinuz-../evil", "x", 0);			/* not a release: ignored */
	assert_int_equal(kernels_list(list, 8), 2);
	assert_string_equal(list[0], K1);			/* by version, not by bytes */
	assert_string_equal(list[1], K2);
	assert_false(kver_valid("a/b"));
	assert_false(kver_valid(".."));
	assert_false(kver_valid(""));
	assert_true(kver_valid(K1));
}

static void sysmap_states(void **state)
{
	struct kernel k;

	(void)state;
	assert_int_equal(kernel_probe(K1, &k), 0);
	assert_int_equal(k.sysmap, SYSMAP_MISSING);
	put("/boot/System.map-" K1, placeholder, sizeof(placeholder) - 1);
	assert_int_equal(kernel_probe(K1, &k), 0);
	assert_int_equal(k.sysmap, SYSMAP_PLACEHOLDER);
	assert_string_equal(k.sysmap_path, "/boot/System.map-" K1);
	/* A real one in the debug path wins over the placeholder. */
	{
		char big[8192];

		memset(big, '#', sizeof(big));
		memcpy(big, "ffffffff81000000 T _text\n", 25);
		put("/usr/lib/debug/boot/System.map-" K1, big, sizeof(big));
	}
	assert_int_equal(kernel_probe(K1, &k), 0);
	assert_int_equal(k.sysmap, SYSMAP_REAL);
	assert_string_equal(k.sysmap_path, "/usr/lib/debug/boot/System.map-" K1);
	unlink(rpath(p, "/usr/lib/debug/boot/System.map-" K1));
}

/* A bzImage around a gzip'ed kernel holding the tables of ksyms-image.h. */
static void make_bzimage(const char *path, size_t cut)
{
	static struct ksyms_img img;
	static unsigned char bz[1 << 17];
	uLongf zlen = sizeof(bz) - 4096;
	z_stream s = { 0 };

	ksyms_image(&img, 300, KSYMS_61);
	memset(bz, 0, 4096);
	memcpy(bz + 0x202, "HdrS", 4);
	bz[0x206] = 0x0f;
	bz[0x207] = 0x02;
	bz[0x1f1] = 3;		/* setup 4 sectors: protected mode at 2048 */
	bz[0x248] = 0;		/* payload at 2048 */
	assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = img.b;
	s.avail_in = (uInt)img.len;
	s.next_out = bz + 2048;
	s.avail_out = (uInt)zlen;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	zlen = s.total_out;
	deflateEnd(&s);
	bz[0x24c] = (unsigned char)zlen;
	bz[0x24d] = (unsigned char)(zlen >> 8);
	bz[0x24e] = (unsigned char)(zlen >> 16);
	put(path, bz, 2048 + zlen - cut);
}

static void sysmap_recovery(void **state)
{
	struct sysmap_result r;
	struct kernel k;
	unsigned char *map;
	size_t len;

	(void)state;
	make_bzimage("/boot/vmlinuz-" K1, 0);
	assert_int_equal(sysmap_ensure(K1, 0, NULL, &r), 0);
	assert_int_equal(r.symbols, 300);
	assert_int_equal(r.comp, DBD_COMP_GZIP);
	assert_string_equal(r.path, "/lib/modules/" K1 "/System.map");
	assert_int_equal(read_file(rpath(p, "/lib/modules/" K1 "/System.map"), 1 << 20, &map, &len),
			 0);
	assert_non_null(strstr((char *)map, "0000000000000000 A fixed_percpu_data\n"
					    "ffffffff81000000 T _text\n"
					    "ffffffff81000020 t func_2\n"));
	free(map);
	assert_int_equal(kernel_probe(K1, &k), 0);
	assert_int_equal(k.sysmap, SYSMAP_RECOVERED);
	/* Again: nothing to do. */
	assert_int_equal(sysmap_ensure(K1, 0, NULL, &r), 0);
	assert_int_equal(r.symbols, 0);

	/* A truncated image: a precise error and nothing written. */
	make_bzimage("/boot/vmlinuz-" K2, 100);
	assert_int_equal(sysmap_ensure(K2, 0, NULL, &r), -EBADMSG);
	assert_false(path_exists(rpath(p, "/lib/modules/" K2 "/System.map")));
	sh("! ls %s/lib/modules/" K2 "/ | grep -q dbdboot-", root);	/* no temporary left */
	assert_false(state_has(K2, "System.map"));
	/* Not a kernel at all. */
	put("/boot/vmlinuz-" K2, "MZ not a bzImage", 16);
	assert_int_equal(sysmap_ensure(K2, 0, NULL, &r), -ENOEXEC);
}

static void dkms_tree(void **state)
{
	struct dkms_facts d;

	(void)state;
	assert_int_equal(dkms_facts(K1, &d), 0);
	assert_int_equal(d.state, DKMS_UNREGISTERED);
	sh("mkdir -p %s/usr/src/dattobd-0.12.1 %s/var/lib/dkms/dattobd/0.12.1", root, root);
	put("/usr/src/dattobd-0.12.1/dkms.conf", "PACKAGE_NAME=dattobd\n", 21);
	sh("ln -s /usr/src/dattobd-0.12.1 %s/var/lib/dkms/dattobd/0.12.1/source", root);
	assert_int_equal(dkms_facts(K1, &d), 0);
	assert_int_equal(d.state, DKMS_REGISTERED);
	assert_int_equal(d.nversions, 1);
	sh("mkdir -p %s/var/lib/dkms/dattobd/0.12.1/" K1 "/%s/module", root, d.arch);
	assert_int_equal(dkms_facts(K1, &d), 0);
	assert_int_equal(d.state, DKMS_BUILT);
	assert_string_equal(d.version, "0.12.1");
	sh("ln -s 0.12.1/" K1 "/%s %s/var/lib/dkms/dattobd/kernel-" K1 "-%s", d.arch, root, d.arch);
	assert_int_equal(dkms_facts(K1, &d), 0);
	assert_int_equal(d.state, DKMS_INSTALLED);
	assert_int_equal(dkms_facts(K2, &d), 0);
	assert_int_equal(d.state, DKMS_REGISTERED);
}

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
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 1);
	assert_int_equal(f.manifest, INITRD_OK);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 1);
	assert_int_equal(f.manifest, INITRD_OK);
	assert_int_equal(f.agent, INITRD_OK);
	/* another manifest on the host */
	put(MANIFEST_PATH, m2, sizeof(m2) - 1);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 2);
	assert_int_equal(f.manifest, INITRD_STALE);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 2);
	assert_int_equal(f.manifest, INITRD_STALE);
	/* the initrd written, or replaced by another file */
	sh("touch %s/boot/initrd.img-" K1, root);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 3);
	sh("cd %s/boot && cp initrd.img-" K1 " x && mv x initrd.img-" K1, root);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 4);
	/* another agent installed */
	put(AGENT_PATH, "another agent\n", 14);
	assert_int_equal(initrd_facts(K1, NULL, &f), 0);
	assert_int_equal(initrd_walks, w + 5);
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
 * hook (no systemd in the initrd) or the unit (systemd); a file of ours
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
	};
	struct initrd_facts f;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
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

static void make_bundle(const char *kver, const char *module, int badsum)
{
	sh("cd %s && rm -rf b && mkdir b && printf '%%s' '%s' >b/dattobd.ko && "
	   "sum=$(sha256sum b/dattobd.ko | cut -c1-64) && %s"
	   "printf 'dbdboot-bundle 1\nkernel %s\nmodule dattobd\ndkms-version 1\n"
	   "vermagic %s SMP\nsha256 %%s\nsize %%s\n' $sum $(stat -c %%s b/dattobd.ko) "
	   ">b/dbdboot-bundle.txt && tar -C b -czf bundle.tar.gz dbdboot-bundle.txt dattobd.ko",
	   root, module, badsum ? "sum=$(echo $sum | tr 0-9 1-9a); " : "", kver, kver);
}

/* bundle import --sha256 (the file's own sum, as export prints it) FILE. */
static int import_bundle(const char *file, int wrong_sum)
{
	char sum[80] = "", cmd[PATH_MAX + 64];
	char *argv[] = { "bundle", "import", "--sha256", sum, (char *)file, NULL };
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sha256sum %s | cut -c1-64%s", file,
		 wrong_sum ? " | tr 0-9a-f 1-9a-f0" : "");
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(sum, sizeof(sum), f));
	pclose(f);
	sum[strcspn(sum, "\n")] = '\0';
	optind = 0;
	return cmd_bundle(5, argv);
}

static void bundle_refusals(void **state)
{
	char file[PATH_MAX];
	char *no_sum[] = { "bundle", "import", file, NULL };

	(void)state;
	snprintf(file, sizeof(file), "%s/bundle.tar.gz", root);
	/* No --sha256: a usage error, nothing read. */
	make_bundle(K2, "\177ELF module bytes", 0);
	optind = 0;
	assert_int_equal(cmd_bundle(3, no_sum), EXIT_USAGE);
	/* The file's sha256 is not the one given. */
	assert_int_equal(import_bundle(file, 1), EXIT_FAIL);
	assert_false(path_exists(rpath(p, "/lib/modules/" K2 "/updates/dkms/dattobd.ko")));
	/* Not a bundle at all. */
	sh("echo hello | gzip >%s", file);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	/* A gzip bomb: 200 MB of zeros in a small file; refused at the cap. */
	sh("head -c 200000000 /dev/zero | gzip -1 >%s", file);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	/* Bad checksum of the module. */
	make_bundle(K2, "\177ELF module bytes", 1);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	assert_false(path_exists(rpath(p, "/lib/modules/" K2 "/updates/dkms/dattobd.ko")));
	/* For a kernel that is not installed here. */
	make_bundle("6.1.0-99-cloud-amd64", "\177ELF module bytes", 0);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	/* Good checksum, installed kernel, but not a module the kernel takes. */
	make_bundle(K2, "\177ELF module bytes", 0);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	assert_false(path_exists(rpath(p, "/lib/modules/" K2 "/updates/dkms/dattobd.ko")));
	assert_false(path_exists(state_path(p, K2, "bundle.ko")));
	/* Truncated. */
	make_bundle(K2, "\177ELF module bytes", 0);
	sh("truncate -s 60 %s", file);
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
}

static void removal_hook(void **state)
{
	char *argv[] = { "kernel-hook", "removed", K1, NULL };
	char *bad[] = { "kernel-hook", "removed", "../x", NULL };

	(void)state;
	/* K1's map was recovered by us (sysmap_recovery): it goes. */
	assert_true(state_has(K1, "System.map"));
	assert_int_equal(cmd_kernel_hook(3, argv), EXIT_OK);
	assert_false(path_exists(rpath(p, "/lib/modules/" K1 "/System.map")));
	assert_false(path_exists(state_path(p, K1, "")));
	/* A map someone else put there stays. */
	put("/lib/modules/" K2 "/System.map", "x", 1);
	argv[2] = K2;
	assert_int_equal(cmd_kernel_hook(3, argv), EXIT_OK);
	assert_true(path_exists(rpath(p, "/lib/modules/" K2 "/System.map")));
	/* A hook never fails, even on nonsense. */
	assert_int_equal(cmd_kernel_hook(3, bad), EXIT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_list),
		cmocka_unit_test(sysmap_states),
		cmocka_unit_test(sysmap_recovery),
		cmocka_unit_test(dkms_tree),
		cmocka_unit_test(write_only_over_what_was_read),
		cmocka_unit_test(manifest_segment_after_every_compressor),
		cmocka_unit_test(initrd_check_and_manifest_segment),
		cmocka_unit_test(initrd_facts_kept),
		cmocka_unit_test(dracut_layouts),
		cmocka_unit_test(manifest_segment_fast_path),
		cmocka_unit_test(bundle_refusals),
		cmocka_unit_test(removal_hook),
	};

	return cmocka_run_group_tests_name("host", tests, setup, teardown);
}
