// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot package --sign-key KEY --sign-cert CERT: the packaged module
 * signed with the fleet's key (see package.h). KEY and CERT are paths in
 * the root (sign-file runs there, as dkms runs it). CERT must be DER, as
 * mokutil --import wants it; the signature is checked to be CERT's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbdboot.h"
#include "dercert.h"
#include "files.h"
#include "package.h"
#include "rootpath.h"
#include "sigcheck.h"
#include "sign.h"

#define SIG_MAGIC "~Module signature appended~\n"

/* A signature at the end of the LEN bytes at KO, taken off: the length
 * left (LEN when it has none). */
static size_t unsigned_len(const unsigned char *ko, size_t len)
{
	size_t m = sizeof(SIG_MAGIC) - 1, info = 12, sig, extra;
	const unsigned char *i;

	if (len < m + info || memcmp(ko + len - m, SIG_MAGIC, m))
		return len;
	/* struct module_signature: algo, hash, id_type, signer_len,
	 * key_id_len, 3 bytes of padding, sig_len (big-endian). */
	i = ko + len - m - info;
	sig = (size_t)i[8] << 24 | (size_t)i[9] << 16 | (size_t)i[10] << 8 | i[11];
	extra = sig + i[3] + i[4];
	return extra <= len - m - info ? len - m - info - extra : len;
}

/* CERT (a root path) read, its serial into SERIAL. 0, or <0 after saying why. */
static int read_cert(const char *cert, struct pkg *p, char *serial, size_t n)
{
	char path[PATH_MAX];
	int ret = read_file(rpath(path, "%s", cert), 1u << 20, &p->cert, &p->cert_len);

	if (ret) {
		ERR("could not read '%s': %s", cert, strerror(-ret));
		return ret;
	}
	if (dbd_der_cert_serial(p->cert, p->cert_len, serial, n)) {
		ERR("could not use '%s': not an X.509 certificate in DER form (convert it: openssl "
		    "x509 -in CERT.pem -outform DER -out CERT.der)", cert);
		return -EINVAL;
	}
	return 0;
}

/* The signed copy at TMP read back into P and checked as installed. */
static int take_signed(const char *kver, const char *tmp, const char *serial, struct pkg *p)
{
	struct module_facts m;
	unsigned char *ko = NULL;
	size_t len;
	int ret = read_file(tmp, 64u << 20, &ko, &len);

	if (ret) {
		ERR("could not read '%s': %s", tmp, strerror(-ret));
		return ret;
	}
	module_facts(kver, tmp, &m);
	if (!m.found || m.problem[0] || strcmp(m.sig_key, serial)) {
		ERR("could not sign dattobd for %s: the signed module %s", kver,
		    !m.found ? "cannot be read" : m.problem[0] ? m.problem :
		    "does not carry a signature by that certificate");
		free(ko);
		return -EINVAL;
	}
	free(p->ko);
	p->ko = ko;
	p->len = len;
	snprintf(m.path, sizeof(m.path), "%s", p->mod.path);
	p->mod = m;
	return 0;
}

int package_sign(const char *kver, const char *key, const char *cert, struct pkg *p)
{
	char tmp[PATH_MAX], log[PATH_MAX], serial[192];
	struct sig_facts s;
	int ret;

	ret = read_cert(cert, p, serial, sizeof(serial));
	if (ret)
		return ret;
	/* Its folder made as it is written. */
	ret = write_atomic(state_path(tmp, kver, "package.ko"), p->ko, unsigned_len(p->ko, p->len),
			   0644);
	if (ret) {
		ERR("could not write '%s': %s", tmp, strerror(-ret));
		return ret;
	}
	sig_facts(kver, &p->mod, &s);
	/* sign-file runs in the root: the module's path is the root's (its
	 * log is opened before, here). */
	ret = sign_module(kver, tmp + strlen(opt.root), s.sig_hash, key, cert,
			  state_log(log, kver, "sign.log"));
	if (!ret)
		ret = take_signed(kver, tmp, serial, p);
	remove_path(tmp, 0);
	return ret;
}
