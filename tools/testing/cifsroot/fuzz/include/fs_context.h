/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client's option table, as fs/smb/client/fs_context.h declares it,
 * with the names and flags of the base tree's fs_context.c (generated into
 * fs_parameters.h by the Makefile).
 */
#include "shim.h"

struct fs_parameter_spec {
	const char *name;
	unsigned short flags;
#define fs_param_neg_with_no	0x0002
};

static const struct fs_parameter_spec smb3_fs_parameters[] = {
#include "fs_parameters.h"
	{}
};
