import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/interview_room.js";
serve(handle);
