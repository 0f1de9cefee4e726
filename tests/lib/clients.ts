//! supabase-js clients configured as the frontend's are, against the local stack.

import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { config } from "./config.ts";

// No browser storage and no refresh timers in a test process.
const AUTH = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

/** A signed-out visitor: the anon key only. */
export function anonClient(): SupabaseClient {
  return createClient(config.apiUrl, config.anonKey, { auth: AUTH });
}

/** The service role: bypasses RLS. Only for setting up and checking data. */
export function serviceClient(): SupabaseClient {
  return createClient(config.apiUrl, config.serviceRoleKey, { auth: AUTH });
}

/**
 * A signed-in user. There is no local GoTrue to hold a session, so the token is given
 * through supabase-js's `accessToken` option: REST, rpc and `functions.invoke` then send
 * `Authorization: Bearer <token>` exactly as for a signed-in browser session.
 */
export function clientFor(token: string): SupabaseClient {
  return createClient(config.apiUrl, config.anonKey, {
    accessToken: () => Promise.resolve(token),
  });
}
