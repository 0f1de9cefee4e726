import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/link_candidate_account.js";
serve(handle);
