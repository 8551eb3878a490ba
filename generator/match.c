// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dbdboot-generator: which fstab entries name a volume's device. The fstab
 * may name it otherwise than the manifest (/dev/vg/data for
 * /dev/mapper/vg-data, a path for UUID=, UUID= for MAJOR:MINOR), and a mount
 * its unit is not ordered before races the reload. An entry is the volume's:
 *  - when both devices are there (ROOT/dev, links followed): when their
 *    device numbers are the same, and only then;
 *  - else by name: the same /dev path, the same spec, the mount point sync
 *    recorded (mount=), or the same LVM volume (/dev/VG/LV and
 *    /dev/mapper/VG-LV);
 *  - else, when nothing tells (the entry's device is not there, and it is
 *    not the root or /usr, which the initramfs mounted): it may be,
 *    and the unit goes before its mount all the same, if the volume's device
 *    is there (its unit does not wait) or no entry is the volume's by the
 *    rules above (its unit then waits for nothing at boot: only its device's
 *    appearance starts it, gen_match_at_boot). An order too many costs a
 *    mount a wait for a device that appears; one too few costs a chain.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "devspec.h"
#include "generator.h"

/* The block device at ROOT + PATH: 1 and its number in *DEV, or 0. */
static int dev_there(const struct gen_conf *c, const char *path, dev_t *dev)
{
	char p[PATH_MAX];
	struct stat st;

	if (!path[0] || (size_t)snprintf(p, sizeof(p), "%s%s", c->root, path) >= sizeof(p) ||
	    stat(p, &st) || !S_ISBLK(st.st_mode))
		return 0;
	*dev = st.st_rdev;
	return 1;
}

/* One part of a device-mapper name (a '-' in a VG or LV name doubled) from
 * S into OUT: where it ends in S (at the single '-' or the end). */
static const char *dm_part(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		if (*s == '-' && s[1] == '-')
			s++;
		else if (*s == '-')
			break;
		out[n++] = *s;
	}
	out[n] = '\0';
	return s;
}

/* The LVM volume a /dev path names, as "VG/LV" into OUT: 0, or -EINVAL. */
static int lv_of(const char *path, char *out, size_t size)
{
	static const char *const not_vg[] = { "disk", "block", "mapper", "md", "bus", "char" };
	char vg[NAME_MAX + 1], lv[NAME_MAX + 1];
	const char *s, *slash;

	if (!strncmp(path, "/dev/mapper/", 12)) {
		s = dm_part(path + 12, vg, sizeof(vg));
		if (*s != '-' || !vg[0])
			return -EINVAL;
		s = dm_part(s + 1, lv, sizeof(lv));
		if (*s || !lv[0])
			return -EINVAL;
	} else {
		if (strncmp(path, "/dev/", 5) || !(slash = strchr(path + 5, '/')) ||
		    strchr(slash + 1, '/') || !slash[1] || (size_t)(slash - path - 5) >= sizeof(vg))
			return -EINVAL;
		memcpy(vg, path + 5, (size_t)(slash - path - 5));
		vg[slash - path - 5] = '\0';
		for (size_t i = 0; i < sizeof(not_vg) / sizeof(not_vg[0]); i++)
			if (!strcmp(vg, not_vg[i]))
				return -EINVAL;
		snprintf(lv, sizeof(lv), "%s", slash + 1);
	}
	return (size_t)snprintf(out, size, "%s/%s", vg, lv) >= size ? -EINVAL : 0;
}

static int same_lv(const char *a, const char *b)
{
	char x[2 * NAME_MAX + 2], y[2 * NAME_MAX + 2];

	return !lv_of(a, x, sizeof(x)) && !lv_of(b, y, sizeof(y)) && !strcmp(x, y);
}

void gen_match_start(struct gen_match *m, const struct gen_conf *c, const struct dbd_volume *v)
{
	memset(m, 0, sizeof(*m));
	m->c = c;
	m->v = v;
	if (dbd_devspec_path(v, m->dev, sizeof(m->dev)))
		m->dev[0] = '\0';
	m->there = dev_there(c, m->dev, &m->num);
}

enum gen_names gen_match_entry(struct gen_match *m, const char *spec, const char *path,
			       const char *file)
{
	dev_t num;
	int there = dev_there(m->c, path, &num);
	const struct dbd_volume *v = m->v;

	if (there && m->there)
		return num == m->num ? GEN_NAMES_IT : GEN_NAMES_OTHER;
	if ((m->dev[0] && !strcmp(path, m->dev)) || !strcmp(spec, v->device) ||
	    (v->mount[0] && !strcmp(file, v->mount)) || (m->dev[0] && same_lv(path, m->dev)))
		return GEN_NAMES_IT;
	/* The initramfs mounted the root and /usr: their devices are there,
	 * whatever the fstab's stale name for them says. */
	if (there || !strcmp(file, "/") || !strcmp(file, "/usr"))
		return GEN_NAMES_OTHER;
	return GEN_NAMES_MAYBE;
}

int gen_match_at_boot(const struct gen_match *m, unsigned int named)
{
	return m->there || named > 0;
}
