import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/invite_candidate.js";
serve(handle);
