//! supabase-js clients configured as the frontend's are, against the local stack.
//!
//! The key each client is created with follows the stack's key mode (config.ts), as an
//! application created against such a project would: in signing mode the publishable key
//! (browser, signed-in user) and the secret key (server); in legacy mode the anon and
//! service_role JWTs. The gateway turns an `sb_` key into the role JWT it stands for.

import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import type { Database } from "../../contract/database.ts";
import { config } from "./config.ts";

/** A client typed by the generated `Database` (contract/database.ts): tables, columns and
 * RPC arguments are checked against the migrations. */
export type Client = SupabaseClient<Database>;

// No browser storage and no refresh timers in a test process.
const AUTH = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

/** The key a browser app is given: the publishable key, or the anon JWT in legacy mode. */
export const clientKey = config.keyMode === "signing" ? config.publishableKey : config.anonKey;
/** The key a server is given: the secret key, or the service_role JWT in legacy mode. */
export const serverKey = config.keyMode === "signing" ? config.secretKey : config.serviceRoleKey;

/** A signed-out visitor: the client key only. */
export function anonClient(): Client {
  return createClient<Database>(config.apiUrl, clientKey, { auth: AUTH });
}

/** The service role: bypasses RLS. Only for setting up and checking data. */
export function serviceClient(): Client {
  return createClient<Database>(config.apiUrl, serverKey, { auth: AUTH });
}

/**
 * A client without the `Database` type, for the local stack's own tests: the tables and
 * functions they create on the fly are not the project's schema.
 */
export function untyped(client: Client): SupabaseClient {
  return client as unknown as SupabaseClient;
}

/**
 * A signed-in user with a token minted by the harness (fast, for tests that are not about
 * auth; `tests/recruiter-signs-up.test.ts` signs in through the Auth stand-in instead).
 * The token is given through supabase-js's `accessToken` option: REST, rpc and
 * `functions.invoke` then send `Authorization: Bearer <token>` exactly as for a signed-in
 * browser session.
 */
export function clientFor(token: string): Client {
  return createClient<Database>(config.apiUrl, clientKey, {
    accessToken: () => Promise.resolve(token),
  });
}

/**
 * Make `userId` a member of the tenant of `ownerToken` with `role` the only way the Data
 * API allows: the owner (or an admin) invites the user's address, the user accepts with
 * their own token. A token issued afterwards (`tokenFor`) carries the tenant claims.
 */
export async function joinTenant(
  ownerToken: string,
  user: { id: string; email: string; token: string },
  role: "owner" | "admin" | "user",
): Promise<void> {
  const { data: invitation, error } = await clientFor(ownerToken)
    .rpc("create_member_invitation", { p_email: user.email, p_role: role })
    .single<{ token: string }>();
  if (error || !invitation) throw new Error(`create_member_invitation: ${JSON.stringify(error)}`);
  const { error: acceptError } = await clientFor(user.token).rpc("accept_member_invitation", { p_token: invitation.token });
  if (acceptError) throw new Error(`accept_member_invitation: ${JSON.stringify(acceptError)}`);
}
