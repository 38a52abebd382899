/*
 * probe.c - one access judged three ways (intent, core walk, emulator), the
 * fault decision on emulated #PFs, demand faults retried, and the report
 * printed on a mismatch (see probe.h).
 */
#include "probe.h"

#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "core/x86_64/pf.h"
#include "core/x86_64/pte.h"
#include "fuzz_walk.h"

/* Value stored by write probes: the old byte with these bits flipped. */
#define WRITE_FLIP 0x5Au

/* Error-code bits describing the access itself (present bit aside). */
static uint32_t access_bits(emu_cpl_t cpl, emu_kind_t kind)
{
    uint32_t bits = 0;
    if (kind == EMU_WRITE)
        bits |= X86_PF_W;
    if (cpl == EMU_CPL3)
        bits |= X86_PF_U;
    if (kind == EMU_FETCH)
        bits |= X86_PF_I;
    return bits;
}

/* True when an access of kind at cpl is refused by these permissions
 * (CR0.WP is set: kernel writes obey W too; no SMEP/SMAP). */
static bool refused(emu_cpl_t cpl, emu_kind_t kind, bool user, bool writable,
                    bool executable)
{
    return (cpl == EMU_CPL3 && !user) || (kind == EMU_WRITE && !writable) ||
           (kind == EMU_FETCH && !executable);
}

/* Sets *o to a #PF at va with error code. */
static void page_fault(emu_outcome_t *o, uint64_t va, uint32_t error_code)
{
    *o = (emu_outcome_t){.vector = EMU_VEC_PF, .cr2 = va, .error_code = error_code};
}

/* True when phys has bits the CPU reserves (at or above MAXPHYADDR). */
static bool phys_reserved(const world_t *w, uint64_t phys)
{
    return (phys >> w->phys_bits) != 0;
}

/* The outcome the intent predicts. */
static void expect_from_intent(const world_t *w, const intent_t *it, uint64_t va,
                               emu_cpl_t cpl, emu_kind_t kind, emu_outcome_t *o)
{
    uint32_t bits = access_bits(cpl, kind);
    vmm_attrs_t a = it->attrs;
    if (!it->canonical)
        *o = (emu_outcome_t){.vector = EMU_VEC_GP};
    else if (!it->mapped)
        page_fault(o, va, bits);
    else if (phys_reserved(w, it->phys))
        page_fault(o, va, bits | X86_PF_P | X86_PF_RSVD);
    else if (refused(cpl, kind, !(a & VMM_ATTR_KERNEL), (a & VMM_ATTR_WRITABLE) != 0,
                     (a & VMM_ATTR_EXECUTABLE) != 0))
        page_fault(o, va, bits | X86_PF_P);
    else
        *o = (emu_outcome_t){.vector = EMU_VEC_NONE, .phys = it->phys};
}

/* True when an entry read on a walk has a bit the CPU reserves. */
static bool entry_reserved(const world_t *w, x86_pte_t e, int level)
{
    if (!X86_PTE_PRESENT(e))
        return false;
    if (phys_reserved(w, X86_PTE_ADDR(e)))
        return true;
    if (level == X86_LEVEL_PML4 && X86_PTE_LARGE(e))
        return true;
    if (level > X86_LEVEL_PT && X86_PTE_LARGE(e)) {
        /* a large leaf's address bits below its size, PAT bit aside */
        uint64_t low = X86_LEVEL_SIZE(level) - 1u;
        return (e & X86_PTE_ADDR_MASK & low & ~X86_PTE_PAT_LARGE) != 0;
    }
    return false;
}

/* The outcome the core's software walk predicts. */
static void expect_from_walk(const world_t *w, vmm_status_t st, const x86_walk_t *walk,
                             uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                             emu_outcome_t *o)
{
    uint32_t bits = access_bits(cpl, kind);
    bool rsvd = false;
    for (int i = 0; i < X86_LEVELS; i++)
        rsvd |= entry_reserved(w, walk->entries[i], X86_LEVEL_PML4 - i);
    if (st == VMM_ERR_NON_CANONICAL)
        *o = (emu_outcome_t){.vector = EMU_VEC_GP};
    else if (rsvd)
        page_fault(o, va, bits | X86_PF_P | X86_PF_RSVD);
    else if (st != VMM_OK)
        page_fault(o, va, bits);
    else if (refused(cpl, kind, walk->user, walk->writable, walk->executable))
        page_fault(o, va, bits | X86_PF_P);
    else
        *o = (emu_outcome_t){.vector = EMU_VEC_NONE, .phys = walk->phys};
}

/* True when two outcomes agree (phys compared only when with_phys). */
static bool same_outcome(const emu_outcome_t *a, const emu_outcome_t *b, bool with_phys)
{
    if (a->vector != b->vector)
        return false;
    if (a->vector == EMU_VEC_PF)
        return a->cr2 == b->cr2 && a->error_code == b->error_code;
    if (a->vector == EMU_VEC_NONE && with_phys)
        return a->phys == b->phys;
    return true;
}

/* Prints an outcome in one line. */
static void print_outcome(const char *who, const emu_outcome_t *o, bool with_phys)
{
    fprintf(stderr, "    %-9s ", who);
    if (o->vector == EMU_VEC_NONE && with_phys)
        fprintf(stderr, "ok, phys %#llx\n", (unsigned long long)o->phys);
    else if (o->vector == EMU_VEC_NONE)
        fprintf(stderr, "ok\n");
    else if (o->vector == EMU_VEC_PF)
        fprintf(stderr, "#PF cr2 %#llx error %#x%s%s%s%s%s\n",
                (unsigned long long)o->cr2, o->error_code,
                o->error_code & X86_PF_P ? " P" : " not-present",
                o->error_code & X86_PF_W ? " W" : "", o->error_code & X86_PF_U ? " U" : "",
                o->error_code & X86_PF_RSVD ? " RSVD" : "", o->error_code & X86_PF_I ? " I" : "");
    else if (o->vector == EMU_VEC_GP)
        fprintf(stderr, "#GP\n");
    else if (o->vector == EMU_VEC_EMU_ERROR)
        fprintf(stderr, "emulator error (unbacked memory or a foreign instruction ran)\n");
    else
        fprintf(stderr, "exception %d\n", o->vector);
}

/* Prints a paging entry with its flags decoded. */
static void print_entry(const char *level, x86_pte_t e)
{
    e &= ~X86_PTE_HW_BITS;
    fprintf(stderr, "      %-4s %#018llx", level, (unsigned long long)e);
    if (!X86_PTE_PRESENT(e)) {
        fprintf(stderr, " not present\n");
        return;
    }
    fprintf(stderr, " -> %#llx%s%s%s%s%s%s\n", (unsigned long long)X86_PTE_ADDR(e),
            e & X86_PTE_W ? " W" : " RO", e & X86_PTE_U ? " U" : " S",
            e & X86_PTE_NX ? " NX" : " X", e & X86_PTE_PS ? " PS" : "",
            e & X86_PTE_G ? " G" : "", e & X86_PTE_PCD ? " PCD" : "");
}

/* Prints the entries on the walk for va, as read from the tables. */
static void print_walk(const world_t *w, uint64_t va)
{
    static const char *const names[X86_LEVELS] = {"PML4", "PDPT", "PD", "PT"};
    x86_walk_t walk;
    memset(&walk, 0, sizeof(walk));
    vmm_status_t st = x86_translate(&w->pt, va, &walk);
    fprintf(stderr, "    entries on the walk (x86_translate: %s, A/D masked):\n",
            vmm_strerror(st));
    for (int i = 0; i < X86_LEVELS; i++) {
        print_entry(names[i], walk.entries[i]);
        if (!X86_PTE_PRESENT(walk.entries[i]) || X86_PTE_LARGE(walk.entries[i]))
            break;
    }
}

/* Prints the attributes of an intent. */
static void print_intent(const intent_t *it)
{
    fprintf(stderr, "    intent: %s", it->source);
    if (it->mapped)
        fprintf(stderr, ", phys %#llx, %s page", (unsigned long long)it->phys,
                it->page_size == VMM_SIZE_1G ? "1 GiB"
                : it->page_size == VMM_SIZE_2M ? "2 MiB" : "4 KiB");
    if (it->mapped || it->lazy)
        fprintf(stderr, ", %s %s %s %s", it->attrs & VMM_ATTR_KERNEL ? "kernel" : "user",
                it->attrs & VMM_ATTR_WRITABLE ? "writable" : "read-only",
                it->attrs & VMM_ATTR_EXECUTABLE ? "executable" : "no-exec",
                it->attrs & VMM_ATTR_CACHABLE ? "cached" : "uncached");
    fprintf(stderr, "\n");
}

/* Counts a mismatch and prints the first report_limit in full. */
static void mismatch(world_t *w, const char *what, uint64_t va, emu_cpl_t cpl,
                     emu_kind_t kind, const intent_t *it, const emu_outcome_t *intent,
                     const emu_outcome_t *walk, const emu_outcome_t *emu, bool with_phys)
{
    w->stats.mismatches++;
    if (w->stats.mismatches > w->report_limit) {
        if (w->stats.mismatches == w->report_limit + 1u)
            fprintf(stderr, "emu: further mismatches are counted, not printed\n");
        return;
    }
    fprintf(stderr, "MISMATCH (%s)%s%s: %#llx %s %s\n", what, w->context ? " at " : "",
            w->context ? w->context : "", (unsigned long long)va, emu_cpl_name(cpl),
            emu_kind_name(kind));
    print_intent(it);
    print_outcome("intent", intent, with_phys);
    print_outcome("core walk", walk, with_phys);
    if (emu != NULL)
        print_outcome("emulator", emu, with_phys);
    print_walk(w, va);
}

/* The expectations for one access. */
typedef struct expectation {
    const intent_t *it; /* the judged address's (valid until the next judge_va) */
    emu_outcome_t intent, walk;
} expectation_t;

/* What va is meant to be and what the core's walk finds: the same for
 * every access to va, so computed once per address and state (the world's
 * generation changes whenever its records or tables may have) and kept in
 * a slot per address hash (probe_world judges every point at CPL0, then
 * at CPL3). */
#define JUDGED_SLOTS 1024u /* a power of 2 */
static struct judged_va {
    uint64_t va, generation; /* generation 0: empty */
    intent_t it;
    vmm_status_t st;
    x86_walk_t walk;
    answer_walk_t raw; /* the emulator's walk, read from the buffer */
} judged[JUDGED_SLOTS];

/* Returns the intent and the core walk of va in w's current state (valid
 * until the next call). */
static const struct judged_va *judge_va(const world_t *w, uint64_t va)
{
    struct judged_va *j = &judged[((va * 0x9E3779B97F4A7C15ull) >> 40) & (JUDGED_SLOTS - 1u)];
    if (j->generation == w->generation && j->va == va && w->generation != 0)
        return j;
    memset(&j->walk, 0, sizeof(j->walk));
    probe_intent(w, va, &j->it);
    j->st = x86_translate(&w->pt, va, &j->walk);
    answer_read_walk(w, va, &j->raw);
    j->va = va;
    j->generation = w->generation;
    return j;
}

/* Computes both expectations for an access; returns what they came from
 * (valid until the next judge_va). */
static const struct judged_va *expect(const world_t *w, uint64_t va, emu_cpl_t cpl,
                                      emu_kind_t kind, expectation_t *e)
{
    const struct judged_va *j = judge_va(w, va);
    e->it = &j->it;
    expect_from_intent(w, e->it, va, cpl, kind, &e->intent);
    expect_from_walk(w, j->st, &j->walk, va, cpl, kind, &e->walk);
    return j;
}

/* uc_vmem_translate check of one access; returns 1 on a mismatch. *got
 * receives the emulator's outcome. */
static unsigned check_translate(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                                emu_outcome_t *got)
{
    expectation_t e;
    const answer_walk_t *raw = &expect(w, va, cpl, kind, &e)->raw;
    if (!answer_find(raw, va, cpl, kind, got)) {
        emu_translate(w->machine, cpl, va, kind, got);
        answer_keep(raw, va, cpl, kind, got);
        w->stats.walks++;
    }
    w->stats.translations++;
    if (got->vector == EMU_VEC_PF)
        w->stats.error_bits_seen |= PROBE_SEEN_BIT(got->error_code);
    if (same_outcome(&e.intent, got, true) && same_outcome(&e.walk, got, true))
        return 0;
    mismatch(w, "translate", va, cpl, kind, e.it, &e.intent, &e.walk, got, true);
    return 1;
}

/* Returns the verdict vmm_fault's documented order gives for the access
 * against attrs (SPURIOUS when attrs allow it). */
static vmm_fault_kind_t verdict_for(uint32_t error_code, vmm_attrs_t attrs)
{
    if ((error_code & X86_PF_U) && (attrs & VMM_ATTR_KERNEL))
        return VMM_FAULT_USER_KERNEL;
    if ((error_code & X86_PF_W) && !(attrs & VMM_ATTR_WRITABLE))
        return VMM_FAULT_WRITE_READONLY;
    if ((error_code & X86_PF_I) && !(attrs & VMM_ATTR_EXECUTABLE))
        return VMM_FAULT_NX_FETCH;
    return VMM_FAULT_SPURIOUS;
}

/* The verdict the intent calls for; see probe.h. */
vmm_fault_kind_t probe_expected_verdict(const world_t *w, uint64_t va,
                                        uint32_t error_code)
{
    const intent_t it = judge_va(w, va)->it;
    if (error_code & X86_PF_RSVD)
        return VMM_FAULT_RESERVED_BIT;
    if (error_code & X86_PF_PK)
        return VMM_FAULT_PROTECTION_KEY;
    if (error_code & X86_PF_SS)
        return VMM_FAULT_SHADOW_STACK;
    if (error_code & X86_PF_SGX)
        return VMM_FAULT_ENCLAVE;
    if (it.mapped)
        return verdict_for(error_code, it.attrs);
    if (!it.lazy)
        return VMM_FAULT_NOT_PRESENT;
    vmm_fault_kind_t v = verdict_for(error_code, it.attrs);
    return v == VMM_FAULT_SPURIOUS ? VMM_FAULT_RESOLVED : v;
}

/* Zeroes what the retry of a resolved demand fault at cr2 can read (the
 * caller's duty, fault.h): the 4 KiB frame of the page [phys, + size) that
 * cr2 lands in (page is the page's virtual start). Zeroing all of a 2 MiB
 * page would cost more than the rest of a fuzz input; no check reads
 * beyond that frame as zeroes. */
static void zero_frame(world_t *w, uint64_t page, uint64_t phys, uint64_t size,
                       uint64_t cr2)
{
    uint64_t frame = phys + ((cr2 - page) & (size - 1u) & ~VMM_PAGE_MASK);
    uint8_t *p = hostmem_ptr(&w->hm, frame);
    if (p != NULL && hostmem_ptr(&w->hm, frame + VMM_PAGE_MASK) != NULL) {
        memset(p, 0, VMM_PAGE_SIZE);
        world_note_written(w, frame, 1);
    }
}

/* Hands an emulated #PF to the core's fault decision. Returns 1 on a wrong
 * verdict; *retry tells that a demand page was mapped. */
static unsigned decide(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                       const emu_outcome_t *got, bool *retry)
{
    vmm_fault_kind_t want = probe_expected_verdict(w, got->cr2, got->error_code);
    vmm_fault_result_t res;
    vmm_fault_kind_t v = x86_page_fault(&w->vmm, got->cr2, got->error_code, &res);
    if (v == VMM_FAULT_RESOLVED || v == VMM_FAULT_OUT_OF_MEMORY)
        world_touch(w); /* the state may have changed: judge afresh */
    w->stats.faults_decided++;
    w->stats.verdicts_seen |= PROBE_SEEN_BIT(v);
    *retry = v == VMM_FAULT_RESOLVED;
    if (v == VMM_FAULT_RESOLVED) {
        zero_frame(w, res.page, res.phys, res.page_size, got->cr2);
        world_tables_changed(w);
        /* The verdict names the page and frame: the records must agree (the
         * retry then checks that the access lands there). */
        intent_t now;
        probe_intent(w, got->cr2, &now);
        if (!now.mapped || res.page > got->cr2 || got->cr2 - res.page >= res.page_size ||
            now.phys != res.phys + (got->cr2 - res.page) || now.page_size != res.page_size) {
            w->stats.mismatches++;
            fprintf(stderr, "MISMATCH (demand result): %#llx: resolved as page %#llx -> "
                    "frame %#llx (%llu KiB), records say %s phys %#llx\n",
                    (unsigned long long)got->cr2, (unsigned long long)res.page,
                    (unsigned long long)res.phys, (unsigned long long)(res.page_size >> 10),
                    now.source, (unsigned long long)now.phys);
            return 1;
        }
    }
    /* Out of frames (or of table frames / record memory) is a fair answer
     * to a demand fault; any other failing status is not. */
    bool starved = v == VMM_FAULT_OUT_OF_MEMORY && (res.status == VMM_ERR_OUT_OF_FRAMES ||
                                                    res.status == VMM_ERR_OUT_OF_MEMORY);
    if (v == want || (want == VMM_FAULT_RESOLVED && starved))
        return 0;
    w->stats.mismatches++;
    if (w->stats.mismatches <= w->report_limit) {
        intent_t it;
        probe_intent(w, va, &it);
        fprintf(stderr, "MISMATCH (fault decision)%s%s: %#llx %s %s, error %#x: "
                "verdict \"%s\" (status %s), intent calls for \"%s\"\n",
                w->context ? " at " : "",
                w->context ? w->context : "", (unsigned long long)va, emu_cpl_name(cpl),
                emu_kind_name(kind), got->error_code, vmm_fault_name(v),
                vmm_strerror(res.status), vmm_fault_name(want));
        print_intent(&it);
        print_walk(w, va);
    }
    return 1;
}

/* Runs one real access; checks outcome and data against the expectations.
 * Returns the mismatches; *got receives the emulator's outcome. */
static unsigned execute_once(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                             emu_outcome_t *got, bool *lands_zero)
{
    expectation_t e;
    expect(w, va, cpl, kind, &e);
    bool lands = e.intent.vector == EMU_VEC_NONE;
    if (lands && !world_backed(w, e.intent.phys))
        return got->vector = EMU_VEC_NONE, 0; /* translate-only memory */
    /* The byte that must change (expected landing) or must not (where the
     * core's tables point, in case the emulator writes although it must not). */
    uint64_t watch = lands ? e.intent.phys
                   : e.walk.vector == EMU_VEC_NONE ? e.walk.phys : UINT64_MAX;
    /* The access's walk sets accessed and dirty bits, which may lie in the
     * watched byte (a table read through the direct map): walk first. */
    emu_outcome_t walked;
    emu_translate(w->machine, cpl, va, kind, &walked);
    uint8_t before = 0;
    bool watched = watch != UINT64_MAX && world_backed(w, watch) &&
                   emu_phys_read(w->machine, watch, &before, 1);
    uint8_t value = (uint8_t)(before ^ WRITE_FLIP);
    emu_access(w->machine, cpl, va, kind, value, lands ? e.intent.phys : UINT64_MAX, got);
    w->stats.accesses++;
    if (got->vector == EMU_VEC_PF)
        w->stats.error_bits_seen |= PROBE_SEEN_BIT(got->error_code);
    uint8_t after = before;
    if (watched)
        emu_phys_read(w->machine, watch, &after, 1);
    bool data_ok = true;
    if (lands && kind == EMU_READ)
        data_ok = got->data == before && (!*lands_zero || before == 0);
    if (lands && kind == EMU_WRITE)
        data_ok = after == value;
    if (!lands || kind != EMU_WRITE)
        data_ok = data_ok && after == before;
    if (watched && after != before)
        emu_phys_write(w->machine, watch, &before, 1);
    if (same_outcome(&e.intent, got, false) && same_outcome(&e.walk, got, false) && data_ok)
        return 0;
    mismatch(w, data_ok ? "instruction" : "instruction data", va, cpl, kind, e.it,
             &e.intent, &e.walk, got, false);
    if (!data_ok && w->stats.mismatches <= w->report_limit)
        fprintf(stderr, "    data: byte before %#x, loaded %#x, after %#x, stored %#x\n",
                before, got->data, after, value);
    return 1;
}

/* Real access with the fault decision and one retry after a demand fault. */
static unsigned check_execute(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                              unsigned flags)
{
    emu_outcome_t got;
    bool zero = false, retry = false;
    unsigned bad = execute_once(w, va, cpl, kind, &got, &zero);
    if (bad || got.vector != EMU_VEC_PF || !(flags & PROBE_DECIDE))
        return bad;
    bad += decide(w, va, cpl, kind, &got, &retry);
    if (!retry || bad)
        return bad;
    w->stats.demand_resolved++;
    zero = true; /* a fresh demand page reads as zeroes */
    bad += execute_once(w, va, cpl, kind, &got, &zero);
    if (!bad && got.vector != EMU_VEC_NONE) {
        w->stats.mismatches++;
        fprintf(stderr, "MISMATCH (demand retry): %#llx %s %s still faults\n",
                (unsigned long long)va, emu_cpl_name(cpl), emu_kind_name(kind));
        bad++;
    }
    return bad;
}

/* A translate check whose #PF goes to the fault decision; a resolved
 * demand fault is translated again and must now complete. Returns the
 * mismatches; *seen receives the first translate's vector. */
static unsigned check_translate_decide(world_t *w, uint64_t va, emu_cpl_t cpl,
                                       emu_kind_t kind, int *seen)
{
    emu_outcome_t got;
    bool retry = false;
    unsigned bad = check_translate(w, va, cpl, kind, &got);
    *seen = got.vector;
    if (bad || got.vector != EMU_VEC_PF)
        return bad;
    bad += decide(w, va, cpl, kind, &got, &retry);
    if (!retry || bad)
        return bad;
    w->stats.demand_resolved++;
    bad += check_translate(w, va, cpl, kind, &got);
    if (!bad && got.vector != EMU_VEC_NONE) {
        w->stats.mismatches++;
        fprintf(stderr, "MISMATCH (demand retry): %#llx %s %s still faults (translate)\n",
                (unsigned long long)va, emu_cpl_name(cpl), emu_kind_name(kind));
        bad++;
    }
    return bad;
}

/* Checks one access; *seen receives the translate check's vector
 * (EMU_VEC_NONE without one). Returns the mismatches. */
static unsigned probe_access_seen(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                                  unsigned flags, int *seen)
{
    unsigned bad = 0;
    emu_outcome_t got;
    *seen = EMU_VEC_NONE;
    if ((flags & PROBE_TRANSLATE) && (flags & PROBE_DECIDE) && !(flags & PROBE_EXECUTE))
        bad += check_translate_decide(w, va, cpl, kind, seen);
    else if (flags & PROBE_TRANSLATE) {
        bad += check_translate(w, va, cpl, kind, &got);
        *seen = got.vector;
    }
    if (flags & PROBE_EXECUTE)
        bad += check_execute(w, va, cpl, kind, flags);
    return bad;
}

/* Checks one access; see probe.h. */
unsigned probe_access(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                      unsigned flags)
{
    int seen;
    return probe_access_seen(w, va, cpl, kind, flags, &seen);
}

/* What the MMU does not show: the page size and the cache-disable bit of
 * the leaf the core wrote must follow the intent too. Returns 1 on a
 * mismatch. */
static unsigned check_leaf(world_t *w, uint64_t va)
{
    const struct judged_va *j = judge_va(w, va);
    const intent_t *itp = &j->it;
    if (!itp->mapped || j->st != VMM_OK)
        return 0; /* presence is the emulator checks' business */
    intent_t it = *itp;
    x86_walk_t walk = j->walk;
    x86_pte_t leaf = walk.entries[X86_LEVEL_PML4 - walk.level];
    bool uncached = (leaf & X86_PTE_PCD) != 0;
    if (walk.page_size == it.page_size && uncached == !(it.attrs & VMM_ATTR_CACHABLE))
        return 0;
    w->stats.mismatches++;
    if (w->stats.mismatches <= w->report_limit) {
        fprintf(stderr, "MISMATCH (leaf entry)%s%s: %#llx: %llu KiB page%s, intent "
                "%llu KiB page%s\n", w->context ? " at " : "", w->context ? w->context : "",
                (unsigned long long)va, (unsigned long long)(walk.page_size >> 10),
                uncached ? " uncached (PCD)" : " cached",
                (unsigned long long)(it.page_size >> 10),
                (it.attrs & VMM_ATTR_CACHABLE) ? " cached" : " uncached");
        print_walk(w, va);
    }
    return 1;
}

/* Checks va at one CPL for every kind, noting vectors; see probe.h. */
unsigned probe_va_at(world_t *w, uint64_t va, emu_cpl_t cpl, unsigned flags,
                     int seen[EMU_KINDS])
{
    unsigned bad = (flags & PROBE_TRANSLATE) && cpl == EMU_CPL0 ? check_leaf(w, va) : 0;
    for (int kind = 0; kind < EMU_KINDS; kind++)
        bad += probe_access_seen(w, va, cpl, (emu_kind_t)kind, flags, &seen[kind]);
    return bad;
}

/* Checks va at both CPLs for every kind; see probe.h. */
unsigned probe_va(world_t *w, uint64_t va, unsigned flags)
{
    int seen[EMU_KINDS];
    unsigned bad = 0;
    for (int cpl = 0; cpl < EMU_CPLS; cpl++)
        bad += probe_va_at(w, va, (emu_cpl_t)cpl, flags, seen);
    return bad;
}

/* Returns h with the 64-bit value v mixed in. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 32);
}

/* Hash of the intent and the walk of va; see probe.h. */
uint64_t probe_signature(const world_t *w, uint64_t va)
{
    intent_t it;
    answer_walk_t raw;
    probe_intent(w, va, &it);
    answer_read_walk(w, va, &raw);
    uint64_t h = 0xCBF29CE484222325ull;
    h = mix(h, (uint64_t)it.canonical | (uint64_t)it.mapped << 1 | (uint64_t)it.lazy << 2 |
                   (uint64_t)raw.usable << 3);
    h = mix(h, it.phys);
    h = mix(h, it.page_size);
    h = mix(h, it.attrs);
    return mix(h, raw.hash);
}

/* True when va is canonical for 48-bit virtual addresses: its own sign
 * extension (the harness's rule, fuzz_walk.h, not the core's). */
bool probe_canonical(uint64_t va)
{
    return fuzz_canonical(va) == va;
}
