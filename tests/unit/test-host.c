// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the host utility's readers and writers on fake roots
 * (opt.root, as --root sets it): the kernel list, System.map states, the
 * recovery from a bzImage built here, dkms' tree, bundle import's
 * refusals, and the removal hook (the initrd's: test-host-initrd.c). What
 * needs dkms, libkmod
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
#include "hostroot.h"
#include "rootpath.h"
#include "sysmap.h"

static const char placeholder[] =
	"ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n";

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

/* Debian 13's release names beside Debian 12's (a host upgraded from 12;
 * 6.12.99 before 6.12.117, which bytes would order the other way),
 * the modules under /usr/lib/modules with /lib a link to usr/lib. */
static void kernel_list_debian13(void **state)
{
	char list[8][KVER_MAX], sub[PATH_MAX];
	const char *saved = opt.root;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/deb13", root);
	sh("mkdir -p %s/usr/lib/modules && ln -s usr/lib %s/lib", sub, sub);
	opt.root = sub;
	put("/usr/lib/modules/6.12.117+deb13-cloud-amd64/modules.dep", "", 0);
	put("/usr/lib/modules/6.12.99+deb13-cloud-amd64/kernel/x.ko.xz", "", 0);
	put("/lib/modules/6.1.0-41-cloud-amd64/modules.dep", "", 0);
	put("/boot/vmlinuz-6.12.117+deb13-cloud-amd64", "x", 1);
	assert_int_equal(kernels_list(list, 8), 3);
	assert_string_equal(list[0], "6.1.0-41-cloud-amd64");
	assert_string_equal(list[1], "6.12.99+deb13-cloud-amd64");
	assert_string_equal(list[2], "6.12.117+deb13-cloud-amd64");
	assert_true(kver_valid(list[2]));
	opt.root = saved;
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
	/* The module compressed (an older export took dkms 3.2's dattobd.ko.xz
	 * as it was): refused before anything is written, and said why. */
	sh("cd %s && rm -rf b && mkdir b && printf '\\177ELF module bytes' | xz >b/dattobd.ko && "
	   "printf 'dbdboot-bundle 1\nkernel %s\nmodule dattobd\ndkms-version 1\nvermagic %s SMP\n"
	   "sha256 %%s\nsize %%s\n' $(sha256sum b/dattobd.ko | cut -c1-64) $(stat -c %%s b/dattobd.ko) "
	   ">b/dbdboot-bundle.txt && tar -C b -czf bundle.tar.gz dbdboot-bundle.txt dattobd.ko",
	   root, K2, K2);
	first_error_clear();
	assert_int_equal(import_bundle(file, 0), EXIT_FAIL);
	assert_non_null(strstr(first_error(), "is not an ELF module (xz data)"));
	assert_false(path_exists(rpath(p, "/lib/modules/" K2 "/updates/dkms/dattobd.ko")));
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
		cmocka_unit_test(kernel_list_debian13),
		cmocka_unit_test(sysmap_states),
		cmocka_unit_test(sysmap_recovery),
		cmocka_unit_test(dkms_tree),
		cmocka_unit_test(bundle_refusals),
		cmocka_unit_test(removal_hook),
	};

	return cmocka_run_group_tests_name("host", tests, setup, teardown);
}
