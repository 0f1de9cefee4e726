import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/link_candidate_account.js";
serve(handle);
