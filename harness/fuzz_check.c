/* fuzz_check.c - op listing and check failures (see fuzz_check.h). */
#include "fuzz_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long long fuzz_checks_run;
static bool trace_on;
static unsigned op_index;
static const char *op_name = "(config)";

void fuzz_set_trace(bool on) { trace_on = on; }
bool fuzz_tracing(void) { return trace_on; }

void fuzz_op_begin(unsigned index, const char *name)
{
    op_index = index;
    op_name = name;
}

void fuzz_trace_line(const char *fmt, ...)
{
    va_list ap;
    if (op_index)
        printf("#%-3u ", op_index);
    else
        fputs("     ", stdout);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

_Noreturn void fuzz_fail(const char *check, const char *file, int line,
                         const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "\n==== FUZZ CHECK FAILED: %s\n==== at op #%u (%s)\n==== ",
            check, op_index, op_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n==== (%s:%d)\n", file, line);
    fflush(stderr);
    abort();
}

const char *fuzz_status(vmm_status_t s)
{
    const char *name = vmm_strerror(s);
    const char *prefix = "VMM_ERR_";
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0 ? name + n : name;
}
