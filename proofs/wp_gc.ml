(* wp_gc.ml - loaded into frama-c by proofs/prove.sh (-load-module): a
   64 MiB minor heap (2^23 words) instead of the 2 MiB (2^18 words) that
   Frama-C sets at start-up (its Gc.set overrides OCAMLRUNPARAM), and a
   major collector that lets the heap grow to 3x the live data (OCaml's
   default: 1.8x). WP's goal
   simplifier (Qed) allocates short-lived terms at a high rate, and every
   minor collection also scans WP's deep stack: 8841 minor collections for
   bitmap's range_clear shard with Frama-C's setting, 320 with this one,
   about 12% less CPU.
   Frama-C also records a backtrace at every raised exception (it prints
   one if the analyser crashes); Qed and Why3 raise exceptions as control
   flow (Not_found and the like), each raise walking WP's deep stack
   (perf, round 16: caml_stash_backtrace and its frame walk ~4% of a warm
   shard). Turned off: node_scan + leaf_apply + leaf_slot_apply warm,
   22.3 / 22.9 -> 21.7 / 21.2 CPU-s (two pairs, load 7-11). A crash then
   prints its exception without the backtrace.
   Frama-C's task loop (Task.on_idle) sleeps 50 ms whenever it has polled
   the prover server, even when an answer is ready (strace: pselect6 ready,
   then clock_nanosleep 50 ms); a CVC4 task takes 60-100 ms, so a cold
   shard idled about 40% of its wall time (round 16: load 2 while
   prove.sh's cold mode ran 2 frama-c x 2 provers on 2 cores, 22% of the
   cores idle). The same loop polling every 2 ms: words_runs + slot_ok +
   node_slots_ok cold (-wp-cache none, -wp-par 2), 39.4 / 41.0 -> 24.1 /
   23.6 s wall, the same 35-36 CPU-s (load 1.3-1.5). Task.on_idle is a
   reference for that purpose (Frama-C's GUI sets its own).
   Only the collector's pace, crash reports and the polling delay change:
   no goal, prover task or verdict depends on them. *)
let () = Gc.set { (Gc.get ()) with Gc.minor_heap_size = 1 lsl 23; space_overhead = 200 }
let () = Printexc.record_backtrace false
let () =
  Task.on_idle := fun f -> try while f () do Unix.sleepf 0.002 done with Db.Cancel -> ()
