// SPDX-License-Identifier: GPL-2.0-or-later
/* dbdboot: kernels' readiness for monitoring (see readiness.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli.h"
#include "dbdboot.h"
#include "facts.h"
#include "files.h"
#include "journal.h"
#include "metrics.h"
#include "readiness.h"
#include "rootpath.h"

#define READINESS_PATH STATE_DIR "/readiness"

/* Why a kernel with an image is not ready, in a few words. */
static const char *why_not(const struct facts *f)
{
	const struct initrd_facts *i = &f->initrd;

	if (f->ready)
		return "ready";
	if (!f->mod.found)
		return "no dattobd module";
	if (f->mod.problem[0])
		return "the module fails its checks";
	if (!f->sig.will_load)
		return "the kernel will refuse the module's signature";
	if (f->fix_missing)
		return "the module lacks dbdboot's driver fix";
	if (!i->found)
		return "no initrd";
	if (i->module != INITRD_OK)
		return "the initrd lacks the module";
	if (i->manifest != INITRD_OK && i->manifest != INITRD_NONE)
		return "the initrd lacks the current manifest";
	return "the initrd lacks the agent or its boot script";
}

/* Was KVER's readiness READY at the last look (in OLD)? -1 never seen. */
static int was(const char *old, const char *kver)
{
	char start[KVER_MAX + 2];
	const char *v;

	snprintf(start, sizeof(start), "%s ", kver);
	v = line_after(old, start);
	return v ? *v == '1' : -1;
}

static void tell(const struct facts *f, int before)
{
	char kernel[KVER_MAX + 8], ready[16], why[160], msg[320];
	const char *fields[] = { kernel, ready, why };

	if (before == f->ready)
		return;
	snprintf(kernel, sizeof(kernel), "KERNEL=%s", f->k.kver);
	snprintf(ready, sizeof(ready), "READY=%d", f->ready);
	snprintf(why, sizeof(why), "WHY=%s", why_not(f));
	snprintf(msg, sizeof(msg), "%s: %s", f->k.kver, f->ready ? "ready for the next boot" :
		 why_not(f));
	journal_send(f->ready ? 6 : 4, JOURNAL_ID_READINESS, msg, fields, 3);
}

static void metric(FILE *m, const struct facts *f, const char *running)
{
	const struct initrd_facts *i = &f->initrd;

	fprintf(m, "dbdboot_kernel_ready{kernel=\"%s\",running=\"%d\"} %d\n", f->k.kver,
		!strcmp(f->k.kver, running), f->ready);
	fprintf(m, "dbdboot_kernel_initrd_module{kernel=\"%s\"} %d\n", f->k.kver,
		i->found && i->module == INITRD_OK);
	fprintf(m, "dbdboot_kernel_initrd_manifest{kernel=\"%s\"} %d\n", f->k.kver,
		i->found && (i->manifest == INITRD_OK || i->manifest == INITRD_NONE));
}

static const char head[] =
	"# HELP dbdboot_kernel_ready 1 when the kernel will boot with dattobd loaded and the "
	"tracked volumes reloaded (dbdboot status).\n# TYPE dbdboot_kernel_ready gauge\n"
	"# HELP dbdboot_kernel_initrd_module 1 when the kernel's initrd holds its installed "
	"dattobd.\n# TYPE dbdboot_kernel_initrd_module gauge\n"
	"# HELP dbdboot_kernel_initrd_manifest 1 when the kernel's initrd holds the current "
	"manifest (or none is needed).\n# TYPE dbdboot_kernel_initrd_manifest gauge\n";

int readiness_update(void)
{
	static char list[MAX_KERNELS][KVER_MAX];
	char p[PATH_MAX], where[PATH_MAX], *text = NULL, state[MAX_KERNELS * (KVER_MAX + 4)];
	unsigned char *old = NULL;
	size_t len = 0, olen, at = 0;
	struct utsname u;
	FILE *m = open_memstream(&text, &len);
	int n = kernels_list(list, MAX_KERNELS), ret;

	if (!m)
		return -ENOMEM;
	if (*opt.root || uname(&u))
		u.release[0] = '\0';
	read_file(rpath(p, "%s", READINESS_PATH), sizeof(state), &old, &olen);
	fputs(head, m);
	state[0] = '\0';
	for (int i = 0; i < n; i++) {
		struct facts f;

		if (facts_get(list[i], FACT_ALL, &f) || !f.k.image)
			continue;
		metric(m, &f, u.release);
		tell(&f, was((char *)old, f.k.kver));
		at += (size_t)snprintf(state + at, sizeof(state) - at, "%s %d\n", f.k.kver, f.ready);
	}
	fprintf(m, "# HELP dbdboot_kernels_timestamp_seconds When the kernels were last looked "
		"at.\n# TYPE dbdboot_kernels_timestamp_seconds gauge\n"
		"dbdboot_kernels_timestamp_seconds %lld\n", (long long)time(NULL));
	ret = fclose(m) ? -ENOMEM : metrics_write("dbdboot-kernels.prom", text, len, where,
						   sizeof(where));
	if (!old || strcmp((char *)old, state))
		write_atomic(rpath(p, "%s", READINESS_PATH), state, strlen(state), 0644);
	free(old);
	free(text);
	return ret;
}

static void help(void)
{
	fputs("Usage: dbdboot metrics [--textfile-dir DIR]\n"
	      "\n"
	      "Write each installed kernel's readiness (as status judges it) for Prometheus'\n"
	      "node_exporter, as dbdboot-kernels.prom in its textfile folder, and log each\n"
	      "change of a kernel's readiness to the journal. dbdboot does this after every\n"
	      "command that can change it; the verdict and the shutdown record write their\n"
	      "own files. The folder: DIR, else node_exporter's --collector.textfile.directory\n"
	      "(/etc/default/prometheus-node-exporter), else /var/lib/prometheus/node-exporter\n"
	      "when it exists. See dbdboot(8), MONITORING.\n"
	      "\n"
	      "  -d, --textfile-dir DIR  write into DIR\n", stdout);
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "textfile-dir", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd': metrics_set_dir(optarg); break;
		case 'h': help(); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return unexpected_arg(argv[optind]);
	if (metrics_dir(dir, sizeof(dir))) {
		ERR("could not find node_exporter's textfile folder: give one with --textfile-dir "
		    "DIR (or set --collector.textfile.directory in "
		    "/etc/default/prometheus-node-exporter)");
		return EXIT_FAIL;
	}
	if (readiness_update())
		return EXIT_FAIL;
	info("metrics written to '%s/dbdboot-kernels.prom'", dir);
	return EXIT_OK;
}
