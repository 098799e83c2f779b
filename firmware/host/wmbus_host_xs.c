/*
 * Program entry and host services of the real-SDK host build (manifest.json platform x-cli-lin; JS side
 * firmware/host/host-native.ts and main.ts). The SDK's x-cli-lin platform links the XS engine and the
 * preloaded archive (xsl output, mc.xs.c) but brings no main(): this file starts a machine from that
 * preparation (so every preloaded module is frozen exactly as on the device), imports wmbus/host/main
 * synchronously, runs pending promise jobs and exits with main's default export.
 * Only for the host platform: the device build never compiles it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "xsAll.h"
#include "mc.xs.h"

static int gArgc;
static char **gArgv;

/* The engine calls this on fatal errors (out of memory, stack overflow, unhandled exception at the top). */
void fxAbort(xsMachine *the, int status)
{
	fprintf(stderr, "### XS abort %d\n", status);
	exit(10 + status);
}

/* hostArgs() -> the arguments after the program name, as strings. */
void xs_wmbus_host_args(xsMachine *the)
{
	int i;
	xsResult = xsNewArray(0);
	for (i = 1; i < gArgc; i++)
		xsCall1(xsResult, xsID_push, xsString(gArgv[i]));
}

/* hostReadText(path) -> the whole file as a string. */
void xs_wmbus_host_read_text(xsMachine *the)
{
	char *path = xsToString(xsArg(0));
	FILE *file = fopen(path, "rb");
	long size;
	char *text;
	if (!file)
		xsUnknownError("cannot open input file");
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	text = malloc((size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, file) != (size_t)size) {
		free(text);
		fclose(file);
		xsUnknownError("cannot read input file");
	}
	fclose(file);
	text[size] = 0;
	xsResult = xsString(text);
	free(text);
}

/* hostWrite(text): to standard output, unchanged. */
void xs_wmbus_host_write(xsMachine *the)
{
	fputs(xsToString(xsArg(0)), stdout);
}

/* hostMemory() -> { slots, chunks, peakSlots, peakChunks } after a full garbage collection. */
void xs_wmbus_host_memory(xsMachine *the)
{
	xsCollectGarbage();
	xsResult = xsNewObject();
	xsSet(xsResult, xsID_slots, xsInteger((xsIntegerValue)the->currentHeapCount));
	xsSet(xsResult, xsID_chunks, xsInteger((xsIntegerValue)the->currentChunksSize));
	xsSet(xsResult, xsID_peakSlots, xsInteger((xsIntegerValue)the->peakHeapCount));
	xsSet(xsResult, xsID_peakChunks, xsInteger((xsIntegerValue)the->peakChunksSize));
}

int main(int argc, char *argv[])
{
	xsMachine *machine;
	int status = 1;
	gArgc = argc;
	gArgv = argv;
	machine = xsPrepareMachine(NULL, xsPreparation(), "wmbus-gateway", NULL, NULL);
	if (!machine) {
		fprintf(stderr, "### the archive was made by another XS version\n");
		return 3;
	}
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = xsAwaitImport("wmbus/host/main", XS_IMPORT_DEFAULT);
			while (g_main_context_iteration(NULL, FALSE))
				;
			status = xsToInteger(xsVar(0));
		}
		xsCatch {
			fprintf(stderr, "### %s\n", xsToString(xsException));
			status = 1;
		}
	}
	xsEndHost(machine);
	fflush(stdout);
	xsDeleteMachine(machine);
	return status;
}
