// The cold-start baseline of bench/cold.ts: a plain `Deno.serve` isolate. The same adapter
// the wrappers use, with a JavaScript handler in place of the wasm one, so the difference
// between this and a function is its wasm module and glue.
import { serve } from "../../supabase/functions/_shared/adapter.ts";
import { handle } from "./handler.ts";
serve(handle);
