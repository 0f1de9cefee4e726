import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/enrich_candidate.js";
serve(handle);
