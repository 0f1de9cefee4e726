//! Users and their tokens without GoTrue: a user is a row in auth.users, and their access
//! token is what Supabase Auth would issue: the standard claims, passed through
//! `public.custom_access_token_hook(event)` (called as `supabase_auth_admin`, the role
//! Supabase Auth calls it as, so a missing grant fails here as it would in production),
//! then signed with the stack's current key: ES256 with the signing key (its kid in the
//! header) in signing mode, HS256 with the JWT secret in legacy mode (config.ts).

import { generateEs256Jwk, sign, signEs256 } from "../../local/jwt.ts";
import { config, signingKeysFile } from "./config.ts";
import { psql, sqlOne } from "./db.ts";

export interface TestUser {
  id: string;
  email: string;
}

export interface CreateUserOptions {
  /** Fixed id (default: random). */
  id?: string;
  /** Stored bcrypt-hashed, as GoTrue stores it (default: none). */
  password?: string;
  /** Merged into GoTrue's default `{"provider":"email","providers":["email"]}`. */
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
  /** Default true: a confirmed email, as after sign-up confirmation. */
  emailConfirmed?: boolean;
}

/** A unique address, so tests never collide with each other or with earlier runs. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}.${crypto.randomUUID().slice(0, 8)}@e2e.test`;
}

/** Insert a user into auth.users, as GoTrue's sign-up does. */
export async function createUser(email: string, opts: CreateUserOptions = {}): Promise<TestUser> {
  const id = opts.id ?? crypto.randomUUID();
  const appMetadata = { provider: "email", providers: ["email"], ...(opts.appMetadata ?? {}) };
  await psql(
    // The token columns '' as Supabase Auth writes them (it cannot read a NULL there).
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
       email_confirmed_at, confirmation_token, recovery_token, email_change_token_new, email_change,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', :'id', 'authenticated', 'authenticated',
       :'email',
       case when :'password' = '' then null
            else extensions.crypt(:'password', extensions.gen_salt('bf')) end,
       case when :'confirmed' then now() end, '', '', '', '',
       :'app'::jsonb, :'user_meta'::jsonb, now(), now());`,
    {
      id,
      email,
      password: opts.password ?? "",
      confirmed: opts.emailConfirmed ?? true,
      app: appMetadata,
      user_meta: opts.userMetadata ?? {},
    },
  );
  return { id, email };
}

/** Delete users (and whatever cascades from them). */
export async function deleteUsers(...ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await psql(`delete from auth.users where id = any(:'ids'::uuid[]);`, {
    ids: `{${ids.join(",")}}`,
  });
}

export interface TokenOptions {
  /** Lifetime in seconds (default 3600, GoTrue's default); negative gives an expired token. */
  expiresIn?: number;
  /** Skip the hook: sign the standard claims as they are. */
  withoutHook?: boolean;
}

/**
 * The access token Supabase Auth would issue to `userId` now: GoTrue's standard claims,
 * then the custom access token hook's answer, signed with the stack's key (`signToken`).
 */
export async function tokenFor(userId: string, opts: TokenOptions = {}): Promise<string> {
  const claims = await claimsFor(userId, opts);
  return await signToken(claims);
}

/** `claims` signed as the stack's Auth would: ES256 (signing mode) or HS256 (legacy). */
export async function signToken(claims: Record<string, unknown>): Promise<string> {
  if (config.keyMode === "legacy") return await sign(claims, config.jwtSecret!);
  return await signEs256(claims, stackSigningKey());
}

function stackSigningKey() {
  if (!config.signingKey) {
    throw new Error(`signing mode, and no key in ${signingKeysFile}: start the stack (scripts/stack.sh start --test), or STACK_KEYS=legacy`);
  }
  return config.signingKey;
}

let otherKey: Promise<Awaited<ReturnType<typeof generateEs256Jwk>>> | undefined;

/**
 * `claims` signed the stack's way with a key the stack does not have, so only the
 * signature is wrong: in signing mode ES256 by another P-256 key under the stack key's
 * own `kid` (a key not in the JWKS pretending to be in it); in legacy mode HS256 with
 * another secret. Every part must answer it with 401.
 */
export async function forgedToken(claims: Record<string, unknown>): Promise<string> {
  if (config.keyMode === "legacy") return await sign(claims, "not-the-stack-secret-".repeat(3));
  otherKey ??= generateEs256Jwk();
  return await signEs256(claims, { ...(await otherKey), kid: stackSigningKey().kid });
}

/** The claims `tokenFor` signs. */
export async function claimsFor(
  userId: string,
  opts: TokenOptions = {},
): Promise<Record<string, unknown>> {
  const user = await sqlOne<{
    email: string | null;
    phone: string | null;
    app: Record<string, unknown> | null;
    meta: Record<string, unknown> | null;
    is_anonymous: boolean;
  }>(
    `select email, phone, raw_app_meta_data as app, raw_user_meta_data as meta, is_anonymous
       from auth.users where id = :'id'`,
    { id: userId },
  );
  const now = Math.floor(Date.now() / 1000);
  const standard = {
    iss: `${config.apiUrl}/auth/v1`,
    sub: userId,
    aud: "authenticated",
    exp: now + (opts.expiresIn ?? 3600),
    iat: now,
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.app ?? {},
    user_metadata: user.meta ?? {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: crypto.randomUUID(),
    is_anonymous: user.is_anonymous,
  };
  if (opts.withoutHook) return standard;
  const event = { user_id: userId, claims: standard, authentication_method: "password" };
  const out = await psql(
    `begin;
set local role supabase_auth_admin;
select public.custom_access_token_hook(:'event'::jsonb);
commit;\n`,
    { event },
  );
  const answer = JSON.parse(out) as { claims?: Record<string, unknown>; error?: unknown };
  if (!answer.claims) {
    throw new Error(`custom_access_token_hook refused ${userId}: ${JSON.stringify(answer)}`);
  }
  return answer.claims;
}

/** A new confirmed user and their token, the state after sign-up and sign-in. */
export async function signUp(
  prefix = "user",
  opts: CreateUserOptions = {},
): Promise<TestUser & { token: string }> {
  const user = await createUser(uniqueEmail(prefix), opts);
  return { ...user, token: await tokenFor(user.id) };
}
