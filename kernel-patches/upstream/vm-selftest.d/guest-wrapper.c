// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest stand-in for movestress in the VM harness: "movestress run ...
 * --output FILE" runs the uffd-move-pageout selftest (-t 15) instead, writes
 * {"selftest": ..., "exit": N} to FILE and exits with the selftest's code.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int selftest_main(int argc, char **argv);

int main(int argc, char **argv)
{
	char *st_argv[] = { "uffd-move-pageout", "-t", "15", NULL };
	const char *out = NULL;
	int i, status, rc;
	pid_t pid;
	FILE *f;

	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--output"))
			out = argv[i + 1];
	if (argc < 2 || strcmp(argv[1], "run"))
		return 2;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(selftest_main(3, st_argv));
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 5;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out && (f = fopen(out, "w"))) {
		fprintf(f, "{\"selftest\": \"uffd-move-pageout\", \"exit\": %d}\n", rc);
		fclose(f);
	}
	return rc;
}
