/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MOVESTRESS_CLI_H
#define MOVESTRESS_CLI_H

int cli_main(int argc, char **argv);

#endif
