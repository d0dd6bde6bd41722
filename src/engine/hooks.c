// SPDX-License-Identifier: GPL-2.0-only
/* What the layers above gave the engine at start (engine/hooks.h). */
#include "config.h"
#include "engine/hooks.h"

static const struct engine_hooks *hooks;

void engine_register(const struct engine_hooks *h)
{
	hooks = h;
}

const struct engine_hooks *engine_hooks(void)
{
	return hooks;
}

