// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the module signature prediction (sigcheck.c) on fake
 * roots: where enforcement comes from (the kernel's config, this and the
 * next boot's command line, lockdown, Secure Boot in efivars), dkms' key
 * and certificate as its framework.conf names them, a certificate's
 * serial, and the trust in the module's key: the kernel's own, dkms' key
 * enrolled in MokListRT (the positive path, which no test kernel here can
 * boot), not enrolled, unknown. The refusals are booted in TEST-21.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "dbdboot.h"
#include "dercert.h"
#include "hostroot.h"
#include "sigcheck.h"

/* A certificate as far as the serial: Certificate { tbs { [0] v3,
 * serial 0x00C1F2, ... } } (the rest is never read). */
static const unsigned char cert[] = {
	0x30, 0x82, 0x00, 0x10, 0x30, 0x81, 0x0d, 0xa0, 0x03, 0x02, 0x01, 0x02,
	0x02, 0x03, 0x00, 0xc1, 0xf2, 0x30, 0x00, 0x05, 0x00,
};
#define SERIAL "00:C1:F2"
#define CONFIG "# kernel config\nCONFIG_MODULE_SIG=y\nCONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y\n"

static void reset(void)
{
	run("rm -rf %s/* && cd %s && mkdir -p boot proc etc/default/grub.d etc/kernel var/lib/dkms "
	    "sys/firmware/efi/efivars sys/kernel/security etc/dkms/framework.conf.d", root, root);
	put("/boot/config-" K1, CONFIG, strlen(CONFIG));
}

static struct module_facts signed_by(const char *key)
{
	struct module_facts m = { .found = 1 };

	snprintf(m.kernel_sig_key, sizeof(m.kernel_sig_key), "AA:BB:CC");
	if (key) {
		snprintf(m.sig_id, sizeof(m.sig_id), "PKCS#7");
		snprintf(m.signer, sizeof(m.signer), "DKMS module signing key");
		snprintf(m.sig_key, sizeof(m.sig_key), "%s", key);
	}
	return m;
}

static void judged(const struct module_facts *m, struct sig_facts *s)
{
	assert_int_equal(sig_facts(K1, m, s), 0);
}

/* An EFI variable file: 4 bytes of attributes, then the value. */
static void efivar(const char *name, const void *v, size_t n)
{
	unsigned char buf[256] = { 7, 0, 0, 0 };
	char path[PATH_MAX];

	assert_true(n + 4 <= sizeof(buf));
	memcpy(buf + 4, v, n);
	snprintf(path, sizeof(path), "/sys/firmware/efi/efivars/%s", name);
	put(path, buf, n + 4);
}

static void serials(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(dbd_der_cert_serial(cert, sizeof(cert), out, sizeof(out)), 0);
	assert_string_equal(out, SERIAL);
	for (size_t n = 0; n < 16; n++)	/* cut before the serial's end */
		assert_true(dbd_der_cert_serial(cert, n, out, sizeof(out)) < 0);
	assert_true(dbd_der_cert_serial((const unsigned char *)"\x30\x85\xff", 3, out, sizeof(out)) < 0);
	assert_true(dbd_der_cert_serial(cert, sizeof(cert), out, 4) < 0);	/* no room */
}

static void not_enforced(void **state)
{
	static const char hashed[] = "CONFIG_MODULE_SIG_HASH=\"sha256\"\nCONFIG_MODULE_SIG=y\n";
	struct module_facts m = signed_by(NULL);
	struct sig_facts s;

	(void)state;
	reset();
	judged(&m, &s);
	assert_true(s.sig_checked);
	assert_false(s.enforced);
	assert_int_equal(s.trust, SIG_UNSIGNED);
	assert_true(s.will_load);
	assert_int_equal(s.secure_boot, 0);	/* an EFI boot, no SecureBoot variable */
	assert_string_equal(s.sig_hash, "sha512");	/* none named: dkms' default */
	put("/boot/config-" K1, hashed, sizeof(hashed) - 1);
	judged(&m, &s);
	assert_string_equal(s.sig_hash, "sha256");	/* on the first line too */
	assert_true(s.sig_checked);
	/* A kernel that checks nothing loads anything, whatever asks for it. */
	put("/boot/config-" K1, "CONFIG_MODULES=y\n", 17);
	put("/proc/cmdline", "module.sig_enforce=1\n", 21);
	judged(&m, &s);
	assert_false(s.sig_checked);
	assert_true(s.will_load);
	assert_non_null(strstr(s.why, "does not check"));
}

static void enforcement_sources(void **state)
{
	static const char comment[] = "# GRUB_CMDLINE_LINUX=\"module.sig_enforce=1\"\n";
	static const char grub[] = "GRUB_DEFAULT=0\n# GRUB_CMDLINE_LINUX=\"module.sig_enforce=1\"\n"
				   "GRUB_CMDLINE_LINUX=\"console=ttyS0 module.sig_enforce=1\"\n";
	static const char grubd[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT lockdown=integrity\"\n";
	static const char force[] = "CONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_FORCE=y\n";
	struct module_facts m = signed_by(NULL);
	struct sig_facts s;

	(void)state;
	reset();
	put("/etc/default/grub", comment, sizeof(comment) - 1);
	judged(&m, &s);
	assert_false(s.enforced);
	put("/etc/default/grub", grub, sizeof(grub) - 1);
	judged(&m, &s);
	assert_true(s.enforced);
	assert_string_equal(s.enforced_by, "module.sig_enforce=1 in /etc/default/grub");
	assert_false(s.will_load);
	assert_non_null(strstr(s.why, "will not load"));
	assert_non_null(strstr(s.why, "unsigned"));
	assert_non_null(strstr(s.why, "dkms has no signing key"));

	reset();
	put("/etc/default/grub.d/50-lock.cfg", grubd, sizeof(grubd) - 1);
	judged(&m, &s);
	assert_string_equal(s.enforced_by, "lockdown=integrity in /etc/default/grub.d/50-lock.cfg");
	reset();
	put("/proc/cmdline", "ro quiet module.sig_enforce=y\n", 30);
	judged(&m, &s);
	assert_string_equal(s.enforced_by, "module.sig_enforce=y in /proc/cmdline");
	reset();
	put("/etc/kernel/cmdline", "root=/dev/vda module.sig_enforce=0\n", 35);
	judged(&m, &s);
	assert_false(s.enforced);
	reset();
	put("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n", 33);
	judged(&m, &s);
	assert_non_null(strstr(s.enforced_by, "locked down"));
	reset();
	efivar("SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0e0d9a2c", "\1", 1);
	judged(&m, &s);
	assert_int_equal(s.secure_boot, 1);
	assert_non_null(strstr(s.enforced_by, "Secure Boot is on"));
	efivar("SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0e0d9a2c", "\0", 1);
	judged(&m, &s);
	assert_int_equal(s.secure_boot, 0);
	assert_false(s.enforced);
	reset();
	put("/boot/config-" K1, force, sizeof(force) - 1);
	judged(&m, &s);
	assert_non_null(strstr(s.enforced_by, "CONFIG_MODULE_SIG_FORCE=y"));
	run("rm -rf %s/sys/firmware", root);	/* a BIOS boot */
	judged(&m, &s);
	assert_int_equal(s.secure_boot, -1);
}

/* dkms' pair: framework.conf, then framework.conf.d in order, $kernelver. */
static void dkms_key_and_trust(void **state)
{
	static const char conf[] = "# mok_signing_key=/nowhere\n"
				   "mok_signing_key=\"/etc/dkms/mok-$kernelver.key\"\n"
				   "mok_certificate=/etc/dkms/first.der\n";
	static const char conf_d[] = "mok_certificate='/etc/dkms/${kernelver}.der'\n";
	struct module_facts m = signed_by(SERIAL);
	struct sig_facts s;
	unsigned char mok[128] = { 0 };

	(void)state;
	reset();
	put("/proc/cmdline", "module.sig_enforce=1\n", 21);
	put("/etc/dkms/framework.conf", conf, sizeof(conf) - 1);
	put("/etc/dkms/framework.conf.d/10-mine.conf", conf_d, sizeof(conf_d) - 1);
	put("/etc/dkms/mok-" K1 ".key", "k", 1);
	put("/etc/dkms/" K1 ".der", cert, sizeof(cert));
	judged(&m, &s);
	assert_string_equal(s.dkms_key, "/etc/dkms/mok-" K1 ".key");
	assert_string_equal(s.dkms_cert, "/etc/dkms/" K1 ".der");
	assert_true(s.dkms_key_found && s.dkms_cert_found);
	assert_string_equal(s.dkms_serial, SERIAL);
	/* Not enrolled: refused, and how to enroll it said. */
	assert_int_equal(s.trust, SIG_MOK_NOT_ENROLLED);
	assert_false(s.will_load);
	assert_non_null(strstr(s.why, "mokutil --import /etc/dkms/" K1 ".der"));
	/* Enrolled: shim's MokListRT (an EFI signature list) holds it. */
	memcpy(mok + 44, cert, sizeof(cert));
	efivar("MokListRT-605dab50-e046-4300-abb6-3dd810dd8b23", mok, 44 + sizeof(cert));
	judged(&m, &s);
	assert_true(s.dkms_enrolled);
	assert_int_equal(s.trust, SIG_MOK_ENROLLED);
	assert_true(s.will_load);
	assert_non_null(strstr(s.why, "enrolled as a machine owner key"));
	/* The kernel's own key; and one nobody here knows. */
	m = signed_by("AA:BB:CC");
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_KERNEL_KEY);
	assert_true(s.will_load);
	m = signed_by("12:34");
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_UNKNOWN_KEY);
	assert_false(s.will_load);
	assert_non_null(strstr(s.why, "neither the kernel's key"));
	/* Unsigned with dkms' pair there: rebuild can sign it. */
	m = signed_by(NULL);
	judged(&m, &s);
	assert_non_null(strstr(s.why, "dbdboot rebuild signs it"));
	/* No module: nothing will load. */
	m.found = 0;
	judged(&m, &s);
	assert_false(s.will_load);
}

/* An EFI signature list of one X.509 certificate, as shim keeps MokListRT:
 * EFI_CERT_X509_GUID, the list's size, no header, the entry's size; the
 * owner's GUID, the certificate. Into OUT: its length. */
static size_t x509_list(const unsigned char *der, size_t n, unsigned char *out)
{
	static const unsigned char guid[16] = { 0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
						0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 };
	uint32_t list = (uint32_t)(28 + 16 + n), entry = (uint32_t)(16 + n);

	memcpy(out, guid, 16);
	for (int i = 0; i < 4; i++) {
		out[16 + i] = (unsigned char)(list >> 8 * i);
		out[20 + i] = 0;
		out[24 + i] = (unsigned char)(entry >> 8 * i);
	}
	memset(out + 28, 0x11, 16);	/* the owner */
	memcpy(out + 44, der, n);
	return list;
}

/* A module that dbdboot package signed with a fleet's key: its package's
 * certificate names how to enroll it; a certificate with its serial in
 * MokListRT makes it trusted, one with another serial does not. */
static void fleet_key(void **state)
{
	static const unsigned char other[] = {
		0x30, 0x82, 0x00, 0x10, 0x30, 0x81, 0x0d, 0xa0, 0x03, 0x02, 0x01, 0x02,
		0x02, 0x03, 0x00, 0x77, 0x77, 0x30, 0x00, 0x05, 0x00,
	};
	struct module_facts m = signed_by(SERIAL);
	struct sig_facts s;
	unsigned char mok[128];
	size_t n;

	(void)state;
	reset();
	snprintf(m.signer, sizeof(m.signer), "Fleet module key");
	put("/proc/cmdline", "module.sig_enforce=1\n", 21);
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_UNKNOWN_KEY);	/* no package certificate yet */
	put("/usr/share/dattobd-modules-" K1 "/signing-cert.der", cert, sizeof(cert));
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_MOK_NOT_ENROLLED);
	assert_false(s.will_load);
	assert_non_null(strstr(s.why, "signed by 'Fleet module key' (key " SERIAL "), whose "
			       "certificate is not enrolled"));
	assert_non_null(strstr(s.why, "mokutil --import /usr/share/dattobd-modules-" K1
			       "/signing-cert.der"));
	n = x509_list(other, sizeof(other), mok);
	efivar("MokListRT-605dab50-e046-4300-abb6-3dd810dd8b23", mok, n);
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_MOK_NOT_ENROLLED);	/* another key enrolled */
	n = x509_list(cert, sizeof(cert), mok);
	efivar("MokListRT-605dab50-e046-4300-abb6-3dd810dd8b23", mok, n);
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_MOK_ENROLLED);
	assert_true(s.key_enrolled);
	assert_true(s.will_load);
	assert_non_null(strstr(s.why, "signed by 'Fleet module key' (key " SERIAL "), enrolled as "
			       "a machine owner key"));
	/* Enrolled, no package certificate needed. */
	run("rm -r %s/usr/share/dattobd-modules-" K1, root);
	judged(&m, &s);
	assert_int_equal(s.trust, SIG_MOK_ENROLLED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serials),
		cmocka_unit_test(not_enforced),
		cmocka_unit_test(enforcement_sources),
		cmocka_unit_test(dkms_key_and_trust),
		cmocka_unit_test(fleet_key),
	};

	return cmocka_run_group_tests_name("host-sig", tests, setup, teardown);
}
