import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/process_resume.js";
serve(handle);
