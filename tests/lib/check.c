#include "check.h"

int check_failures;
int check_count;

/* Returns 0 when every CHECK passed, 1 otherwise, after printing totals. */
int check_exit(void)
{
    fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
