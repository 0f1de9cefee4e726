import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/enrich_candidate.js";
serve(handle);
