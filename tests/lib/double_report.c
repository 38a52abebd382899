/* double_report.c - see double_report.h. */
#include "double_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static double_reporter_t reporter;

void double_set_reporter(double_reporter_t fn) { reporter = fn; }

_Noreturn void double_fail(const char *check, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (reporter)
        reporter(check, msg);
    fprintf(stderr, "test double: %s: %s\n", check, msg);
    abort();
}
