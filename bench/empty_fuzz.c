/* empty_fuzz.c - a libFuzzer target that does nothing: its exec/s is the
 * engine's ceiling with the project's sanitizer flags, the baseline of the
 * fuzz figures. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Accepts every input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}
