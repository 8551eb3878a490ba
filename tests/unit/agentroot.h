/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake root of the agent's unit tests (a folder under /tmp): files put
 * in it, made and removed by cmocka's group setup and teardown. Include
 * after <cmocka.h> and testutil.h. */
#ifndef DBDBOOT_AGENTROOT_H
#define DBDBOOT_AGENTROOT_H

#include <stdio.h>
#include <stdlib.h>

static char root[] = "/tmp/dbdboot-agent-XXXXXX";

__attribute__((unused)) static void put_file(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	sh("mkdir -p \"$(dirname '%s')\"", p);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", root);
	return 0;
}

#endif
