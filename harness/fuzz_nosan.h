/*
 * fuzz_nosan.h - attributes that leave a harness function unsanitized.
 *
 * Only for functions that read the target's own state: arrays side by side
 * inside one object, where ASan cannot see an index past one (it lands in
 * the next field), so its checks found nothing and cost time. Each user
 * says, where it applies them, why nothing is lost. core/ is never built
 * with them: the code under test stays fully checked.
 */
#ifndef HARNESS_FUZZ_NOSAN_H
#define HARNESS_FUZZ_NOSAN_H

#if defined(__clang__) || defined(__GNUC__)
#define FUZZ_NO_SAN __attribute__((no_sanitize("address", "undefined")))
#define FUZZ_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define FUZZ_NO_SAN
#define FUZZ_NO_ASAN
#endif

#endif
