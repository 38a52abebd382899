/* vmm_strerror names every code and rejects unknown ones. */
#include <string.h>

#include "check.h"

static void test_every_code_has_its_name(void)
{
    CHECK(strcmp(vmm_strerror(VMM_OK), "VMM_OK") == 0);
    CHECK(strcmp(vmm_strerror(VMM_ERR_NO_SPACE), "VMM_ERR_NO_SPACE") == 0);
    for (int s = 0; s < VMM_ERR_COUNT; s++) {
        const char *name = vmm_strerror((vmm_status_t)s);
        CHECK(strncmp(name, "VMM_", 4) == 0);
        CHECK(strcmp(name, "VMM_ERR_UNKNOWN") != 0);
    }
}

static void test_unknown_codes(void)
{
    CHECK(strcmp(vmm_strerror(VMM_ERR_COUNT), "VMM_ERR_UNKNOWN") == 0);
    CHECK(strcmp(vmm_strerror((vmm_status_t)-1), "VMM_ERR_UNKNOWN") == 0);
}

int main(void)
{
    RUN(test_every_code_has_its_name);
    RUN(test_unknown_codes);
    return check_exit();
}
