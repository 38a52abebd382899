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
   Only the collector's pace and crash reports change: no goal, prover
   task or verdict depends on them. *)
let () = Gc.set { (Gc.get ()) with Gc.minor_heap_size = 1 lsl 23; space_overhead = 200 }
let () = Printexc.record_backtrace false
