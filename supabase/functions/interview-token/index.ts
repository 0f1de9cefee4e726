import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/interview_token.js";
serve(handle);
