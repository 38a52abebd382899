/*
 * scenario.c - the scenario-file interpreter (syntax in scenario.h).
 */
#define _DEFAULT_SOURCE /* strtok_r */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/x86_64/pf.h"
#include "probe.h"

#define MAX_TOKENS 16u
#define MAX_VARS 32u
#define LINE_MAX_LEN 512u

typedef struct var {
    char name[32];
    uint64_t value;
} var_t;

/* The interpreter's state for one file. */
typedef struct interp {
    const char *path;
    unsigned line;
    char where[600];        /* "file:line: text" for reports            */
    world_config_t cfg;
    world_t *w;
    var_t vars[MAX_VARS];
    size_t nvars;
    unsigned failures;
    scenario_totals_t *tot;
} interp_t;

/* Prints a failure of the current line and counts it. */
static void fail(interp_t *in, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: FAILED: ", in->where);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    in->failures++;
}

/* Returns true and *v for one term: a number with an optional K/M/G suffix,
 * or $var. */
static bool term(interp_t *in, const char *tok, size_t len, uint64_t *v)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, tok, len);
    buf[len] = 0;
    if (buf[0] == '$') {
        for (size_t i = 0; i < in->nvars; i++)
            if (strcmp(in->vars[i].name, buf + 1) == 0)
                return *v = in->vars[i].value, true;
        return false;
    }
    char *end;
    *v = strtoull(buf, &end, 0);
    if (end == buf)
        return false;
    if (*end == 'K' || *end == 'M' || *end == 'G')
        *v <<= *end == 'K' ? 10 : *end == 'M' ? 20 : 30, end++;
    return *end == 0;
}

/* Returns true and *v for a '+'-joined sum of terms ($r+2M+0x10). */
static bool number(interp_t *in, const char *tok, uint64_t *v)
{
    if (tok == NULL)
        return false;
    *v = 0;
    for (;;) {
        size_t len = strcspn(tok, "+");
        uint64_t t;
        if (!term(in, tok, len, &t))
            return false;
        *v += t;
        if (tok[len] == 0)
            return true;
        tok += len + 1;
    }
}

/* Stores value under "$name" when toks has "-> $name" at i. */
static void store(interp_t *in, char **toks, size_t n, size_t i, uint64_t value)
{
    if (i + 1 >= n || strcmp(toks[i], "->") != 0 || toks[i + 1][0] != '$' ||
        in->nvars == MAX_VARS)
        return;
    var_t *v = &in->vars[in->nvars++];
    snprintf(v->name, sizeof(v->name), "%s", toks[i + 1] + 1);
    v->value = value;
}

/* Returns true and *a for an ATTRS word list. */
static bool attrs(const char *tok, vmm_attrs_t *a)
{
    char buf[64];
    if (tok == NULL || strlen(tok) >= sizeof(buf))
        return false;
    if (tok[0] >= '0' && tok[0] <= '9') { /* a raw value, valid or not */
        char *end;
        *a = (vmm_attrs_t)strtoul(tok, &end, 0);
        return *end == 0;
    }
    strcpy(buf, tok);
    *a = 0;
    for (char *save, *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
        if (strcmp(w, "kernel") == 0) *a |= VMM_ATTR_KERNEL;
        else if (strcmp(w, "w") == 0) *a |= VMM_ATTR_WRITABLE;
        else if (strcmp(w, "x") == 0) *a |= VMM_ATTR_EXECUTABLE;
        else if (strcmp(w, "c") == 0) *a |= VMM_ATTR_CACHABLE;
        else if (strcmp(w, "user") != 0 && strcmp(w, "none") != 0) return false;
    }
    return true;
}

/* Returns true and the CPL named by tok (cpl0, cpl3). */
static bool cpl_of(const char *tok, emu_cpl_t *cpl)
{
    if (tok && strcmp(tok, "cpl0") == 0) return *cpl = EMU_CPL0, true;
    if (tok && strcmp(tok, "cpl3") == 0) return *cpl = EMU_CPL3, true;
    return false;
}

/* Returns true and the kind of access named by tok (read, write, fetch). */
static bool kind_of(const char *tok, emu_kind_t *k)
{
    for (int i = 0; tok && i < EMU_KINDS; i++)
        if (strcmp(tok, emu_kind_name((emu_kind_t)i)) == 0)
            return *k = (emu_kind_t)i, true;
    return false;
}

/* Returns the status a trailing "!VMM_ERR_..." names (VMM_OK without one),
 * removing it from the tokens. */
static vmm_status_t expected_status(char **toks, size_t *n)
{
    if (*n == 0 || toks[*n - 1][0] != '!')
        return VMM_OK;
    for (int s = 0; s < VMM_ERR_COUNT; s++)
        if (strcmp(toks[*n - 1] + 1, vmm_strerror((vmm_status_t)s)) == 0) {
            (*n)--;
            return (vmm_status_t)s;
        }
    return VMM_ERR_COUNT;
}

/* Checks a core call's status against the expected one. */
static void check_status(interp_t *in, vmm_status_t got, vmm_status_t want)
{
    if (got != want) {
        char msg[128];
        snprintf(msg, sizeof(msg), "returned %s, expected %s", vmm_strerror(got),
                 vmm_strerror(want));
        fail(in, "%s", msg);
    }
}

/* Returns the memory-map type named by tok, or -1. */
static int region_type(const char *tok)
{
    static const char *const names[] = {"usable", "reserved", "acpi", "nvs", "bad",
                                        "bootloader", "kernel", "framebuffer"};
    for (int i = 0; tok && i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(tok, names[i]) == 0)
            return i;
    return -1;
}

/* The commands before "start": the world's configuration. */
static bool config_command(interp_t *in, char **t, size_t n)
{
    world_config_t *c = &in->cfg;
    uint64_t a, b, d;
    vmm_attrs_t at;
    if (strcmp(t[0], "phys") == 0 && n == 3 && number(in, t[1], &a) && number(in, t[2], &b))
        return c->phys_base = a, c->phys_size = b, true;
    if (strcmp(t[0], "window") == 0 && n == 3 && number(in, t[1], &a) && number(in, t[2], &b))
        return c->window_start = a, c->window_end = b, true;
    if (strcmp(t[0], "boot") == 0 && n == 3 && number(in, t[1], &a)) {
        c->boot = true;
        c->hhdm_offset = a;
        c->has_1g_pages = strcmp(t[2], "1g") == 0;
        return true;
    }
    if (strcmp(t[0], "region") == 0 && n == 4 && region_type(t[1]) >= 0 &&
        number(in, t[2], &a) && number(in, t[3], &b) && c->map_len < WORLD_MAX_REGIONS) {
        c->map[c->map_len++] = (memmap_entry_t){a, b, (uint32_t)region_type(t[1])};
        return true;
    }
    if (strcmp(t[0], "segment") == 0 && n == 5 && number(in, t[1], &a) &&
        number(in, t[2], &b) && number(in, t[3], &d) && attrs(t[4], &at) &&
        c->kernel_len < WORLD_MAX_SEGMENTS) {
        c->kernel[c->kernel_len++] = (x86_kernel_segment_t){a, b, d, at};
        return true;
    }
    return false;
}

/* Parses "ok", "ok=PHYS", "pf=CODE", "gp" into an outcome (phys_known tells
 * whether ok carried a physical address). */
static bool outcome_of(interp_t *in, const char *tok, uint64_t va, emu_outcome_t *o,
                       bool *phys_known)
{
    uint64_t v;
    *o = (emu_outcome_t){.vector = EMU_VEC_NONE};
    *phys_known = false;
    if (strcmp(tok, "ok") == 0)
        return true;
    if (strncmp(tok, "ok=", 3) == 0 && number(in, tok + 3, &v))
        return o->phys = v, *phys_known = true, true;
    if (strcmp(tok, "gp") == 0)
        return o->vector = EMU_VEC_GP, true;
    if (strncmp(tok, "pf=", 3) == 0 && number(in, tok + 3, &v)) {
        *o = (emu_outcome_t){.vector = EMU_VEC_PF, .cr2 = va, .error_code = (uint32_t)v};
        return true;
    }
    return false;
}

/* access: the hand expectation against the emulator, then the 3-way check. */
static bool access_command(interp_t *in, char **t, size_t n)
{
    uint64_t va;
    emu_cpl_t cpl;
    emu_kind_t kind;
    emu_outcome_t want, got;
    bool phys_known;
    if (n != 5 || !number(in, t[1], &va) || !cpl_of(t[2], &cpl) || !kind_of(t[3], &kind) ||
        !outcome_of(in, t[4], va, &want, &phys_known))
        return false;
    emu_translate(in->w->machine, cpl, va, kind, &got);
    in->w->stats.translations++;
    bool ok = got.vector == want.vector &&
              (want.vector != EMU_VEC_PF ||
               (got.error_code == want.error_code && got.cr2 == want.cr2)) &&
              (want.vector != EMU_VEC_NONE || !phys_known || got.phys == want.phys);
    if (!ok) {
        char msg[200];
        snprintf(msg, sizeof(msg), "emulator: vector %d phys %#llx error %#x (expected %s)",
                 got.vector, (unsigned long long)got.phys, got.error_code, t[4]);
        fail(in, "%s", msg);
    }
    in->failures += probe_access(in->w, va, cpl, kind, PROBE_TRANSLATE | PROBE_EXECUTE);
    return true;
}

/* demand: fault, resolve, retry. */
static bool demand_command(interp_t *in, char **t, size_t n)
{
    uint64_t va;
    emu_cpl_t cpl;
    emu_kind_t kind;
    if (n != 4 || !number(in, t[1], &va) || !cpl_of(t[2], &cpl) || !kind_of(t[3], &kind))
        return false;
    uint64_t before = in->w->stats.demand_resolved;
    in->failures += probe_access(in->w, va, cpl, kind, PROBE_EXECUTE | PROBE_DECIDE);
    if (in->w->stats.demand_resolved != before + 1u)
        fail(in, "%s", "no demand fault was resolved and retried");
    return true;
}

/* verdict: x86_page_fault's verdict for a hand-written error code. */
static bool verdict_command(interp_t *in, char **t, size_t n)
{
    static const char *const names[VMM_FAULT_KIND_COUNT] = {
        "resolved", "spurious", "not-present", "readonly", "user-kernel", "nx",
        "reserved", "oom", "pkey", "shadow-stack", "enclave", "unknown-cause",
        "kernel-user"};
    uint64_t va, code;
    if (n != 4 || !number(in, t[1], &va) || !number(in, t[2], &code))
        return false;
    vmm_fault_result_t res;
    vmm_fault_kind_t v = x86_page_fault(&in->w->vmm, va, code, &res);
    in->w->stats.verdicts_seen |= PROBE_SEEN_BIT(v);
    if (v == VMM_FAULT_RESOLVED)
        world_tables_changed(in->w);
    if ((unsigned)v >= VMM_FAULT_KIND_COUNT || strcmp(names[v], t[3]) != 0)
        fail(in, "verdict was \"%s\"", vmm_fault_name(v));
    return true;
}

/* require-errors: every listed #PF error code was observed. */
static bool require_errors(interp_t *in, char **t, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t code;
        if (!number(in, t[i], &code) || code > 0x1F)
            return false;
        if (!(in->w->stats.error_bits_seen & PROBE_SEEN_BIT(code)))
            fail(in, "error code %s was never observed", t[i]);
    }
    return true;
}

/* The commands after "start": operations and checks. */
static bool world_command(interp_t *in, char **t, size_t n)
{
    world_t *w = in->w;
    vmm_status_t want = expected_status(t, &n);
    uint64_t a, b, c, v = 0;
    vmm_attrs_t at;
    if (want == VMM_ERR_COUNT)
        return false;
    if (strcmp(t[0], "alloc") == 0 && n >= 3 && number(in, t[1], &a) && attrs(t[2], &at)) {
        check_status(in, world_alloc(w, (size_t)a, at, &v), want);
        return store(in, t, n, 3, v), true;
    }
    if (strcmp(t[0], "set") == 0 && n == 5 && number(in, t[1], &a) && number(in, t[2], &b) &&
        attrs(t[4], &at)) {
        bool with_phys = strcmp(t[3], "-") != 0;
        if (with_phys && !number(in, t[3], &c))
            return false;
        return check_status(in, world_set(w, a, b, with_phys ? &c : NULL, at), want), true;
    }
    if (strcmp(t[0], "reserve") == 0 && n >= 4 && number(in, t[1], &a) &&
        number(in, t[2], &b) && attrs(t[3], &at)) {
        bool lazy = n > 4 && strcmp(t[4], "lazy") == 0;
        check_status(in, world_reserve(w, (size_t)a, b, at, lazy ? VMM_RESERVE_LAZY : 0, &v),
                     want);
        return store(in, t, n, lazy ? 5 : 4, v), true;
    }
    if (strcmp(t[0], "claim") == 0 && n >= 5 && number(in, t[1], &a) && number(in, t[2], &b) &&
        number(in, t[3], &c) && attrs(t[4], &at)) {
        bool lazy = n > 5 && strcmp(t[5], "lazy") == 0;
        return check_status(in, world_claim(w, a, (size_t)b, c, at,
                                            lazy ? VMM_RESERVE_LAZY : 0), want), true;
    }
    if (strcmp(t[0], "map_page") == 0 && n == 5 && number(in, t[1], &a) &&
        number(in, t[2], &b) && number(in, t[3], &c) && attrs(t[4], &at))
        return check_status(in, world_map_page(w, a, b, c, at), want), true;
    if (strcmp(t[0], "frames") == 0 && n >= 3 && number(in, t[1], &a) && number(in, t[2], &b)) {
        check_status(in, w->frames.alloc(w->frames.ctx, (size_t)a, (size_t)b, &v), want);
        return store(in, t, n, 3, v), true;
    }
    if (strcmp(t[0], "free") == 0 && n == 2 && number(in, t[1], &a))
        return check_status(in, world_free_range(w, a), want), true;
    if (strcmp(t[0], "release") == 0 && n == 2 && number(in, t[1], &a))
        return check_status(in, world_release(w, a), want), true;
    if (strcmp(t[0], "fail") == 0 && n == 3 && number(in, t[2], &a)) {
        if (strcmp(t[1], "frames") == 0)
            return w->ff.countdown = (long)a, true;
        if (strcmp(t[1], "alloc") == 0)
            return w->fa.countdown = (long)a, true;
        return false;
    }
    if (strcmp(t[0], "access") == 0)
        return access_command(in, t, n);
    if (strcmp(t[0], "demand") == 0)
        return demand_command(in, t, n);
    if (strcmp(t[0], "verdict") == 0)
        return verdict_command(in, t, n);
    if (strcmp(t[0], "probe") == 0 && n == 1)
        return in->failures += probe_world(w, PROBE_ALL), true;
    if (strcmp(t[0], "require-errors") == 0)
        return require_errors(in, t, n);
    return false;
}

/* Adds a world's counters to the totals. */
static void add_stats(world_stats_t *sum, const world_stats_t *s)
{
    sum->translations += s->translations;
    sum->accesses += s->accesses;
    sum->faults_decided += s->faults_decided;
    sum->demand_resolved += s->demand_resolved;
    sum->mismatches += s->mismatches;
    sum->error_bits_seen |= s->error_bits_seen;
    sum->verdicts_seen |= s->verdicts_seen;
}

/* Runs one line. */
static void run_line(interp_t *in, char *line)
{
    char *toks[MAX_TOKENS];
    size_t n = 0;
    line[strcspn(line, "#\n")] = 0;
    for (char *save, *tok = strtok_r(line, " \t", &save); tok && n < MAX_TOKENS;
         tok = strtok_r(NULL, " \t", &save))
        toks[n++] = tok;
    if (n == 0)
        return;
    in->tot->commands++;
    if (in->w == NULL && strcmp(toks[0], "start") == 0) {
        in->w = world_new(&in->cfg);
        if (in->w == NULL)
            fail(in, "%s", "the world could not be built");
        else
            in->w->context = in->where;
        return;
    }
    bool ok = in->w == NULL ? config_command(in, toks, n)
                            : world_command(in, toks, n);
    if (!ok)
        fail(in, "%s", "unknown command or bad arguments");
}

/* Runs a scenario file; see scenario.h. */
unsigned scenario_run_file(const char *path, scenario_totals_t *tot)
{
    interp_t *in = calloc(1, sizeof(*in));
    FILE *f = fopen(path, "r");
    if (in == NULL || f == NULL) {
        perror(path);
        free(in);
        if (f)
            fclose(f);
        tot->failures++;
        return 1;
    }
    in->path = path;
    in->tot = tot;
    in->cfg.phys_base = 0;
    in->cfg.phys_size = (uint64_t)16 << 20;
    char line[LINE_MAX_LEN];
    while (fgets(line, sizeof(line), f) != NULL && (in->w != NULL || in->failures == 0)) {
        in->line++;
        snprintf(in->where, sizeof(in->where), "%s:%u: %.*s", path, in->line,
                 (int)strcspn(line, "\n"), line);
        run_line(in, line);
    }
    fclose(f);
    if (in->w != NULL) {
        add_stats(&tot->stats, &in->w->stats);
        world_free(in->w);
    } else {
        fail(in, "%s", "no world was started");
    }
    unsigned failures = in->failures;
    tot->failures += failures;
    free(in);
    return failures;
}
