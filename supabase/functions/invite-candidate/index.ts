import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/invite_candidate.js";
serve(handle);
