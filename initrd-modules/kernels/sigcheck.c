// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot: the module signature prediction (see sigcheck.h). Everything is
 * read under --root, /proc and /sys included, so that fake roots test it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "dercert.h"
#include "efisig.h"
#include "rootpath.h"
#include "sigcheck.h"

#define EFI_GLOBAL "8be4df61-93ca-11d2-aa0d-e98c0e0d9a2c"
#define SHIM_LOCK "605dab50-e046-4300-abb6-3dd810dd8b23"
#define SMALL (1u << 20)

/* A file under the root, NUL-terminated; NULL when unreadable. */
__attribute__((format(printf, 2, 3))) static char *slurp(size_t *len, const char *fmt, ...)
{
	char p[PATH_MAX], q[PATH_MAX];
	unsigned char *buf;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	if (read_file(rpath(p, "%s", q), SMALL, &buf, &n))
		return NULL;
	if (len)
		*len = n;
	return (char *)buf;	/* read_file leaves a NUL after the bytes */
}

/* The value of KEY (e.g. "module.sig_enforce") among the words of TEXT,
 * quotes ignored; "" when absent. */
static void word_value(const char *text, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *w = text;

	out[0] = '\0';
	while (w && *w) {
		w += strspn(w, " \t\n\"'");
		if (!strncmp(w, key, kl) && w[kl] == '=') {
			size_t l = strcspn(w + kl + 1, " \t\n\"'");

			snprintf(out, n, "%.*s", (int)l, w + kl + 1);
		}
		w += strcspn(w, " \t\n\"'");
	}
}

/* Does the command line TEXT (named WHERE) enforce signatures? */
static int cmdline_enforces(const char *text, const char *where, struct sig_facts *s)
{
	char v[32];

	word_value(text, "module.sig_enforce", v, sizeof(v));
	if (!strcmp(v, "1") || !strcmp(v, "y") || !strcmp(v, "Y")) {
		snprintf(s->enforced_by, sizeof(s->enforced_by), "module.sig_enforce=%s in %s", v, where);
		return 1;
	}
	word_value(text, "lockdown", v, sizeof(v));
	if (!strcmp(v, "integrity") || !strcmp(v, "confidentiality")) {
		snprintf(s->enforced_by, sizeof(s->enforced_by), "lockdown=%s in %s", v, where);
		return 1;
	}
	return 0;
}

/* The GRUB_CMDLINE_LINUX* lines of one of Debian's grub defaults files. */
static int grub_enforces(const char *file, struct sig_facts *s)
{
	char *text = slurp(NULL, "%s", file), *line, *save = NULL;
	int hit = 0;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line && !hit; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line + strspn(line, " \t"), "GRUB_CMDLINE_LINUX", 18))
			hit = cmdline_enforces(strchr(line, '=') ? strchr(line, '=') + 1 : "", file, s);
	free(text);
	return hit;
}

/* This boot's and the next boot's command lines. */
static int cmdlines_enforce(struct sig_facts *s)
{
	static const char *const files[] = { "/proc/cmdline", "/etc/kernel/cmdline" };
	char p[PATH_MAX], f[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int hit = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !hit; i++) {
		char *text = slurp(NULL, "%s", files[i]);

		if (text)
			hit = cmdline_enforces(text, files[i], s);
		free(text);
	}
	if (hit || grub_enforces("/etc/default/grub", s))
		return 1;
	d = opendir(rpath(p, "/etc/default/grub.d"));
	while (d && !hit && (e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".cfg"))
			continue;
		snprintf(f, sizeof(f), "/etc/default/grub.d/%s", e->d_name);
		hit = grub_enforces(f, s);
	}
	if (d)
		closedir(d);
	return hit;
}

/* An EFI variable's value (after its 4 bytes of attributes). */
static char *efivar(const char *name, size_t *len)
{
	char *v = slurp(len, "/sys/firmware/efi/efivars/%s", name);

	if (v && *len < 4) {
		free(v);
		return NULL;
	}
	if (v) {
		*len -= 4;
		memmove(v, v + 4, *len);
	}
	return v;
}

static void secure_boot(const char *config, struct sig_facts *s)
{
	char *lock = slurp(NULL, "%s", "/sys/kernel/security/lockdown"), *v;
	size_t len;

	if (!s->enforced && lock && !strstr(lock, "[none]") && strchr(lock, '[')) {
		s->enforced = 1;
		snprintf(s->enforced_by, sizeof(s->enforced_by),
			 "the running kernel is locked down (%s)", strtok(lock, "\n"));
	}
	free(lock);
	s->secure_boot = -1;
	if (!path_exists(rpath((char[PATH_MAX]){ 0 }, "/sys/firmware/efi")))
		return;
	v = efivar("SecureBoot-" EFI_GLOBAL, &len);
	s->secure_boot = v && len >= 1 && v[0] == 1;
	free(v);
	if (s->secure_boot && !s->enforced &&
	    (!config || has_line(config, "CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y"))) {
		s->enforced = 1;
		snprintf(s->enforced_by, sizeof(s->enforced_by),
			 "Secure Boot is on (efivars), and the kernel locks down under it");
	}
}

/* dkms' mok_signing_key and mok_certificate, as dkms reads them: its
 * framework.conf, then framework.conf.d/ *.conf, the last one winning;
 * $kernelver replaced. */
static void dkms_conf_file(const char *file, const char *kver, struct sig_facts *s)
{
	char *text = slurp(NULL, "%s", file), *line, *save = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *out = NULL, v[PATH_MAX], *k;
		size_t o = 0;

		line += strspn(line, " \t");
		if (!strncmp(line, "mok_signing_key=", 16))
			out = s->dkms_key;
		else if (!strncmp(line, "mok_certificate=", 16))
			out = s->dkms_cert;
		if (!out)
			continue;
		for (k = line + 16; *k && o < sizeof(v) - 1; k++) {
			if (*k == '"' || *k == '\'')
				continue;
			if (!strncmp(k, "${kernelver}", 12) || !strncmp(k, "$kernelver", 10)) {
				o += (size_t)snprintf(v + o, sizeof(v) - o, "%s", kver);
				k += k[1] == '{' ? 11 : 9;
				continue;
			}
			v[o++] = *k;
		}
		v[o < sizeof(v) ? o : sizeof(v) - 1] = '\0';
		snprintf(out, PATH_MAX, "%s", v);
	}
	free(text);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Shim's list of machine owner keys (an EFI signature list of X.509
 * certificates), *LEN bytes: malloc'ed, or NULL when there is none. */
static char *mok_list(size_t *len)
{
	char *mok = slurp(len, "%s", "/sys/firmware/efi/mok-variables/MokListRT");

	return mok ? mok : efivar("MokListRT-" SHIM_LOCK, len);
}

/* dkms' pair, and whether its certificate is in MOK (MLEN bytes). */
static void dkms_signing(const char *kver, struct sig_facts *s, const char *mok, size_t mlen)
{
	char p[PATH_MAX], f[PATH_MAX + 300], *cert;
	struct dirent **e = NULL;
	size_t len;
	int n;

	snprintf(s->dkms_key, sizeof(s->dkms_key), "/var/lib/dkms/mok.key");
	snprintf(s->dkms_cert, sizeof(s->dkms_cert), "/var/lib/dkms/mok.pub");
	dkms_conf_file("/etc/dkms/framework.conf", kver, s);
	n = scandir(rpath(p, "/etc/dkms/framework.conf.d"), &e, NULL, by_name);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(e[i]->d_name);

		if (l > 5 && !strcmp(e[i]->d_name + l - 5, ".conf")) {
			snprintf(f, sizeof(f), "/etc/dkms/framework.conf.d/%s", e[i]->d_name);
			dkms_conf_file(f, kver, s);
		}
		free(e[i]);
	}
	free(e);
	s->dkms_key_found = !strncmp(s->dkms_key, "pkcs11:", 7) ||
			    path_exists(rpath(p, "%s", s->dkms_key));
	cert = slurp(&len, "%s", s->dkms_cert);
	s->dkms_cert_found = cert != NULL;
	if (cert && dbd_der_cert_serial((unsigned char *)cert, len, s->dkms_serial,
				    sizeof(s->dkms_serial)))
		s->dkms_serial[0] = '\0';
	/* Enrolled: the certificate's bytes are in the list. */
	s->dkms_enrolled = cert && mok && len && memmem(mok, mlen, cert, len);
	free(cert);
}

static int same_serial(const unsigned char *der, size_t n, void *ctx)
{
	char serial[192];

	return !dbd_der_cert_serial(der, n, serial, sizeof(serial)) && !strcmp(serial, ctx);
}

/* Is a certificate with the serial KEY in MOK (MLEN bytes)? */
static int mok_has_key(const char *mok, size_t mlen, const char *key)
{
	return mok && dbd_efi_x509_each((const unsigned char *)mok, mlen, same_serial,
					(void *)key) > 0;
}

/* The certificate a module package carries, when it has the serial KEY. */
static int package_cert(const char *kver, const char *key, struct sig_facts *s)
{
	char path[PATH_MAX];
	size_t len;
	char *der;
	int hit;

	snprintf(path, sizeof(path), "/usr/share/dattobd-modules-%s/signing-cert.der", kver);
	der = slurp(&len, "%s", path);
	hit = der && same_serial((unsigned char *)der, len, (void *)key);
	free(der);
	if (hit)
		snprintf(s->key_cert, sizeof(s->key_cert), "%s", path);
	return hit;
}

/* The module's key: the kernel's, dkms', one enrolled in MOK (MLEN bytes),
 * a package's. */
static void trust(const char *kver, const struct module_facts *m, struct sig_facts *s,
		  const char *mok, size_t mlen)
{
	if (!m->sig_id[0] && !m->sig_key[0])
		s->trust = SIG_UNSIGNED;
	else if (m->sig_key[0] && !strcmp(m->sig_key, m->kernel_sig_key))
		s->trust = SIG_KERNEL_KEY;
	else if (m->sig_key[0] && s->dkms_serial[0] && !strcmp(m->sig_key, s->dkms_serial)) {
		s->trust = s->dkms_enrolled ? SIG_MOK_ENROLLED : SIG_MOK_NOT_ENROLLED;
		s->key_enrolled = s->dkms_enrolled;
		snprintf(s->key_cert, sizeof(s->key_cert), "%s", s->dkms_cert);
	} else if (m->sig_key[0] && (s->key_enrolled = mok_has_key(mok, mlen, m->sig_key))) {
		s->trust = SIG_MOK_ENROLLED;
		package_cert(kver, m->sig_key, s);
	} else if (m->sig_key[0] && package_cert(kver, m->sig_key, s)) {
		s->trust = SIG_MOK_NOT_ENROLLED;
	} else {
		s->trust = SIG_UNKNOWN_KEY;
	}
}

static void judge(const struct module_facts *m, struct sig_facts *s)
{
	static const char *const enroll = "enroll it (mokutil --import %s, then confirm at the "
					  "next boot in MokManager)";
	char how[PATH_MAX + 100], whose[400];
	int dkms = s->dkms_serial[0] && !strcmp(m->sig_key, s->dkms_serial);

	if (dkms)
		snprintf(whose, sizeof(whose), "dkms' key");
	else
		snprintf(whose, sizeof(whose), "'%.128s' (key %.192s)", m->signer, m->sig_key);
	s->will_load = !s->enforced || s->trust == SIG_KERNEL_KEY || s->trust == SIG_MOK_ENROLLED;
	if (!s->sig_checked) {
		snprintf(s->why, sizeof(s->why), "will load: the kernel does not check module signatures");
		return;
	}
	if (s->will_load && !s->enforced) {
		snprintf(s->why, sizeof(s->why), "will load: signatures are not enforced (%s)",
			 s->trust == SIG_UNSIGNED ? "unsigned: the kernel is only tainted" :
			 "signed, checked but not required");
		return;
	}
	if (s->will_load) {
		snprintf(s->why, sizeof(s->why), "will load: signatures are enforced (%s) and it is "
			 "signed by %s%s", s->enforced_by, s->trust == SIG_KERNEL_KEY ?
			 "the kernel's own key" : whose, s->trust == SIG_KERNEL_KEY ? "" :
			 ", enrolled as a machine owner key");
		return;
	}
	snprintf(how, sizeof(how), enroll, s->key_cert);
	switch (s->trust) {
	case SIG_UNSIGNED:
		snprintf(s->why, sizeof(s->why), "will not load: signatures are enforced (%s) and the "
			 "module is unsigned; %s", s->enforced_by, s->dkms_key_found && s->dkms_cert_found ?
			 "dbdboot rebuild signs it with dkms' key" : "dkms has no signing key to sign "
			 "it with (install openssl, then dbdboot rebuild --force: dkms makes one)");
		break;
	case SIG_MOK_NOT_ENROLLED:
		snprintf(s->why, sizeof(s->why), "will not load: signatures are enforced (%s) and it is "
			 "signed by %s%s%s%s, whose certificate is not enrolled: %s", s->enforced_by,
			 whose, dkms ? " (" : "", dkms ? m->sig_key : "", dkms ? ")" : "", how);
		break;
	default:
		snprintf(s->why, sizeof(s->why), "will not load, as far as dbdboot can see: signatures "
			 "are enforced (%s) and it is signed by '%s' (%s), neither the kernel's key nor "
			 "an enrolled machine owner key", s->enforced_by, m->signer, m->sig_key);
	}
}

int sig_facts(const char *kver, const struct module_facts *m, struct sig_facts *s)
{
	char *config = slurp(NULL, "/boot/config-%s", kver), *mok;
	const char *hash = line_after(config, "CONFIG_MODULE_SIG_HASH=\"");
	size_t mlen = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->sig_hash, sizeof(s->sig_hash), "%.*s", hash ? (int)strcspn(hash, "\"\n") : 6,
		 hash ? hash : "sha512");
	/* Without its config the kernel is taken to check (Debian's do). */
	s->sig_checked = !config || has_line(config, "CONFIG_MODULE_SIG=y");
	if (s->sig_checked && has_line(config, "CONFIG_MODULE_SIG_FORCE=y")) {
		s->enforced = 1;
		snprintf(s->enforced_by, sizeof(s->enforced_by), "the kernel is built with "
			 "CONFIG_MODULE_SIG_FORCE=y");
	}
	if (s->sig_checked && !s->enforced)
		s->enforced = cmdlines_enforce(s);
	if (s->sig_checked)
		secure_boot(config, s);
	free(config);
	mok = mok_list(&mlen);	/* read once: dkms' certificate and the module's key */
	dkms_signing(kver, s, mok, mlen);
	if (!m->found) {
		snprintf(s->why, sizeof(s->why), "no module to load");
	} else {
		trust(kver, m, s, mok, mlen);
		judge(m, s);
	}
	free(mok);
	return 0;
}

const char *sig_trust_str(enum sig_trust t)
{
	static const char *const s[] = { "unsigned", "kernel-key", "mok-enrolled",
					 "mok-not-enrolled", "unknown-key" };

	return t <= SIG_UNKNOWN_KEY ? s[t] : "?";
}
