import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/interview_token.js";
serve(handle);
