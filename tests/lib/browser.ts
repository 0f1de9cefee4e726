//! A browser app's supabase-js client and what it does with the mail Auth sends: follow a
//! link (Auth answers 303 to the app with the session, or the error, in the fragment) and
//! take the session from it, as `detectSessionInUrl` does in a browser.

import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { assertEquals } from "./assert.ts";
import { clientKey } from "./clients.ts";
import { config } from "./config.ts";

const AUTH = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

/** The client key, auth-js holding the session in memory; with `authUrl`, its Auth calls
 * go there instead of the gateway's `/auth/v1` (a second Auth with other settings). */
export function browser(authUrl?: string): SupabaseClient {
  const gatewayAuth = `${config.apiUrl}/auth/v1`;
  const fetchVia: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!authUrl || !url.startsWith(gatewayAuth)) return fetch(input, init);
    return fetch(authUrl + url.slice(gatewayAuth.length), input instanceof Request ? input : init);
  };
  return createClient(config.apiUrl, clientKey, { auth: AUTH, global: { fetch: fetchVia } });
}

/** A JWT's claims, unverified. */
export function payload(jwt: string): Record<string, any> {
  const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, "=")));
}

/** Follows a mail's link as a browser does, without going on to the app. */
export async function follow(link: string): Promise<{ location: string; fragment: URLSearchParams }> {
  const r = await fetch(link, { redirect: "manual" });
  await r.body?.cancel();
  assertEquals(r.status, 303, `the link redirects: ${link}`);
  const location = r.headers.get("location") ?? "";
  return { location, fragment: new URLSearchParams(location.split("#")[1] ?? "") };
}

/** Gives `client` the session a followed link carried. */
export async function takeSession(client: SupabaseClient, fragment: URLSearchParams): Promise<void> {
  const { error } = await client.auth.setSession({
    access_token: fragment.get("access_token") ?? "",
    refresh_token: fragment.get("refresh_token") ?? "",
  });
  assertEquals(error, null, "the link's session is good");
}
