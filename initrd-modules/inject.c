// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot inject [-k KVER | --all] [--manifest-only]: make a kernel's
 * initrd hold the module, the agent and the manifest, through the system's
 * own generator, and check the result by reading the initrd. With
 * --manifest-only, append (or replace) one small raw cpio segment holding
 * the current manifest instead.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbdboot.h"
#include "files.h"
#include "facts.h"
#include "initrd.h"
#include "inject.h"
#include "manifest.h"
#include "run.h"

#define SEGMENT_MARK "etc/dbdboot/.manifest-segment"

static int check(const char *kver, const struct facts *f, const struct initrd_facts *i)
{
	char miss[256] = "";

	if (i->problem[0])
		return err(-EBADMSG, "%s", i->problem);
	if (i->module != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the module",
			 i->module == INITRD_STALE ? " an old copy of" : "");
	if (i->agent != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the agent",
			 miss[0] ? "," : "");
	if (i->script != INITRD_OK)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the boot script",
			 miss[0] ? "," : "");
	if (i->manifest != INITRD_OK && i->manifest != INITRD_NONE)
		snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s the %smanifest",
			 miss[0] ? "," : "", i->manifest == INITRD_STALE ? "current " : "");
	if (!miss[0])
		return 0;
	err(0, "could not verify '%s': it lacks%s", i->path, miss);
	if (!f->mod.found)
		err(0, "  no dattobd is installed for %s: run dbdboot rebuild -k %s first", kver, kver);
	if (i->agent != INITRD_OK || i->script != INITRD_OK)
		err(0, "  is dbdboot's %s hook installed? (make install)", i->generator);
	return -EBADMSG;
}

static int regenerate(const char *kver, const struct facts *f)
{
	const char *gen = initrd_generator();
	char log[PATH_MAX], p[PATH_MAX], why[256];
	enum run_step step;
	double t0;
	int ret;

	if (!gen)
		return err(-ENOENT, "could not find an initrd generator: install initramfs-tools "
			   "or dracut");
	mkdir_p(state_path(p, kver, ""), 0755);
	snprintf(log, sizeof(log), "%s", state_path(p, kver, "initrd.log"));
	write_atomic(log, "", 0, 0644);
	info("%s: %s for '%s' ...", kver, gen, f->initrd.path);
	t0 = now_s();
	if (!strcmp(gen, "initramfs-tools")) {
		const char *argv[] = { "update-initramfs", f->initrd.found ? "-u" : "-c", "-k", kver,
				       NULL };

		step = RUN_UPDATE_INITRAMFS;
		ret = run_prog(step, argv, log);
	} else {
		const char *argv[] = { "dracut", "-f", "--kver", kver, f->initrd.path, NULL };

		step = RUN_DRACUT;
		ret = run_prog(step, argv, log);
	}
	if (ret) {
		unsigned char *text;
		size_t len;

		if (!read_file(log, 1u << 20, &text, &len)) {
			fprintf(stderr, "--- %s ---\n%s---\n", log, (char *)text);
			free(text);
		}
		return err(ret < 0 ? ret : -EIO, "could not make the initrd for '%s': %s %s; the "
			   "initrd it left is checked by: dbdboot status -k %s", kver,
			   run_step_name(step), run_failure(step, ret, why, sizeof(why)), kver);
	}
	info("%s: %s done in %.1f s", kver, gen,
	     now_s() - t0);
	return 0;
}

/* One cpio "newc" entry appended to BUF at *LEN (room is the caller's). */
static size_t cpio_entry(unsigned char *buf, size_t len, const char *name, unsigned int mode,
			 const void *data, size_t size, unsigned int ino)
{
	size_t n = strlen(name) + 1;

	len += (size_t)sprintf((char *)buf + len,
			       "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino,
			       mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, n, 0u);
	memcpy(buf + len, name, n);
	len += n;
	while (len % 4)
		buf[len++] = 0;
	if (size)
		memcpy(buf + len, data, size);
	len += size;
	while (len % 4)
		buf[len++] = 0;
	return len;
}

/* The last two segments, and whether the last one is ours (raw, marked). */
struct seg_scan {
	struct dbd_initrd_segment last, before_last;
	unsigned int nsegments;
	long mark_segment;
};

static int seg_visit(void *ctx, const struct dbd_initrd_entry *e)
{
	struct seg_scan *s = ctx;

	if (!strcmp(e->name, SEGMENT_MARK) && e->comp == DBD_COMP_NONE)
		s->mark_segment = e->segment;
	return 0;
}

static int seg_end(void *ctx, const struct dbd_initrd_segment *seg)
{
	struct seg_scan *s = ctx;

	s->before_last = s->last;
	s->last = *seg;
	s->nsegments++;
	return 0;
}

/*
 * Where our segment goes: *CUT is where the old file is cut (our old
 * segment replaced, else nothing), *START where the new one starts. Between
 * the end of the segment before it and START there are at least 4 zero
 * bytes and START is on a 4-byte boundary: the kernel's lz4 decoder reads
 * any other 4 bytes after its stream as a block size (and fails), and a raw
 * archive must start on a 4-byte boundary. Every other decoder the kernel
 * has stops at its own end mark, and zeros between segments are skipped.
 */
static void place_segment(const struct seg_scan *s, size_t olen, size_t *cut, size_t *start)
{
	size_t end;

	if (s->mark_segment >= 0 && (unsigned int)s->mark_segment == s->last.index &&
	    s->nsegments) {
		*cut = s->last.start;
		end = s->nsegments > 1 ? s->before_last.end : 0;
	} else {
		*cut = olen;
		end = s->nsegments ? s->last.end : 0;
	}
	*start = end ? (end + 4 + 3) & ~(size_t)3 : 0;
	if (*start < *cut)
		*start = (*cut + 3) & ~(size_t)3;
}

int inject_manifest(const char *kver, const char *initrd)
{
	static const char mark[] = "written by dbdboot inject --manifest-only\n";
	unsigned char *old = NULL, *man = NULL, *out = NULL;
	struct seg_scan s = { .mark_segment = -1 };
	char p[PATH_MAX], why[256];
	struct dbd_manifest m;
	size_t olen, mlen, cut, start, len;
	struct stat st;
	int ret;

	ret = read_file(rpath(p, MANIFEST_PATH), 1u << 20, &man, &mlen);
	if (ret)
		return err(ret, "could not read '%s': %s", MANIFEST_PATH, strerror(-ret));
	ret = dbd_manifest_parse((char *)man, mlen, &m, NULL, NULL);
	if (ret < 0) {
		err(ret, "could not use '%s': it is not a dbdboot manifest the agent reads "
		    "(see dbdboot-manifest(5))", MANIFEST_PATH);
		goto out;
	}
	if (m.errors)
		warn("'%s' has %u bad lines: the agent will skip them", MANIFEST_PATH, m.errors);
	ret = read_file_st(rpath(p, "%s", initrd), 2u << 30, &old, &olen, &st);
	if (ret) {
		err(ret, "could not read '%s': %s", initrd, strerror(-ret));
		goto out;
	}
	ret = dbd_initrd_walk_segments(old, olen, seg_visit, seg_end, &s, why, sizeof(why));
	if (ret < 0) {
		err(ret, "could not read '%s': %s; not changed (run dbdboot inject -k %s to "
		    "make it anew)", initrd, why, kver);
		goto out;
	}
	/* Our segment is the last one: replace it; else append after all. */
	place_segment(&s, olen, &cut, &start);
	out = malloc(start + mlen + 2048);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(out, old, cut);
	memset(out + cut, 0, start - cut);
	len = start;
	len = cpio_entry(out, len, "etc", 040755, NULL, 0, 1);
	len = cpio_entry(out, len, "etc/dbdboot", 040755, NULL, 0, 2);
	len = cpio_entry(out, len, SEGMENT_MARK, 0100644, mark, sizeof(mark) - 1, 3);
	len = cpio_entry(out, len, "etc/dbdboot/manifest", 0100644, man, mlen, 4);
	len = cpio_entry(out, len, "TRAILER!!!", 0, NULL, 0, 0);
	/* Only over the file read: a generator may have made a new one since. */
	ret = write_atomic_expect(p, out, len, st.st_mode & 07777, &st);
	if (ret == -ESTALE) {
		err(ret, "could not write '%s': it changed while dbdboot read it (an initrd "
		    "generator wrote it?); it is left as it is now: run dbdboot inject -k %s "
		    "--manifest-only again", initrd, kver);
		goto out;
	}
	if (ret) {
		err(ret, "could not write '%s': %s; the old one is unchanged", initrd,
		    strerror(-ret));
		goto out;
	}
	info("%s: manifest %s in '%s' (%zu bytes, was %zu)", kver,
	     cut < olen ? "replaced" : "appended", initrd, len, olen);
out:
	free(old);
	free(man);
	free(out);
	return ret;
}

int inject_one(const char *kver, int manifest_only)
{
	struct initrd_facts after;
	struct facts f;
	int ret;

	/* One writer at a time: never a stale copy renamed over a newer one. */
	ret = dbd_lock();
	if (ret)
		return ret;
	/* Not facts_get: what the initrd holds now is about to change, and
	 * reading it is the costly part; it is read once, after. */
	memset(&f, 0, sizeof(f));
	ret = kernel_probe(kver, &f.k);
	if (ret)
		return err(ret, "could not use kernel release '%s': not a release name", kver);
	module_facts(kver, NULL, &f.mod);
	initrd_locate(kver, &f.initrd);
	if (!f.k.image) {
		info("%s: no image (/boot/vmlinuz-%s) is installed: no initrd to make", kver, kver);
		return INJECT_DEFERRED;
	}
	if (manifest_only) {
		if (!f.initrd.found)
			return err(-ENOENT, "could not find '%s' to add the manifest to: run "
				   "dbdboot inject -k %s", f.initrd.path, kver);
		ret = inject_manifest(kver, f.initrd.path);
	} else {
		ret = regenerate(kver, &f);
	}
	if (ret)
		return ret;
	initrd_facts(kver, &f.mod, &after);
	if (manifest_only && !after.problem[0] && after.agent == INITRD_STALE) {
		/* An older agent may not read this manifest's version. */
		info("%s: the agent in '%s' is not the installed one: making the initrd anew",
		     kver, after.path);
		return inject_one(kver, 0);
	}
	if (manifest_only) {
		if (after.problem[0])
			return err(-EBADMSG, "could not verify '%s': %s; run dbdboot inject -k %s to "
				   "make it anew", after.path, after.problem, kver);
		if (after.manifest != INITRD_OK)
			return err(-EBADMSG, "could not verify '%s': the manifest in it is not the "
				   "current one", after.path);
		return 0;
	}
	ret = check(kver, &f, &after);
	if (!ret)
		info("%s: '%s' holds the module, the agent, the boot script and the manifest",
		     kver, after.path);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot inject [-k KVER | --all] [--manifest-only] [-J]\n"
	      "\n"
	      "Make the kernel's initrd (default: the running kernel's) hold dattobd, the\n"
	      "agent and /etc/dbdboot/manifest with the system's own generator\n"
	      "(update-initramfs -u -k, or dracut -f --kver), then check it by reading it.\n"
	      "\n"
	      "  -k, --kernel KVER    this kernel\n"
	      "  -a, --all            every installed kernel\n"
	      "  -m, --manifest-only  append one small segment with the current manifest\n"
	      "                       instead (replacing the one a previous call appended)\n"
	      "  -J, --json           say what was done as JSON on stdout\n", stdout);
}

static int one(const char *kver, int manifest_only, struct kresult *r)
{
	int ret = inject_one(kver, manifest_only);

	r->outcome = ret == INJECT_DEFERRED ? "no-image" : ret ? "failed" :
		     manifest_only ? "manifest-updated" : "verified";
	return ret;
}

int cmd_inject(int argc, char **argv)
{
	static const struct per_kernel pk = {
		.name = "inject", .help = help, .flag = 'm', .flag_long = "manifest-only", .one = one,
	};

	return per_kernel(argc, argv, &pk);
}
