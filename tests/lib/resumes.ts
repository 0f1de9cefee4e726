//! Helpers of the resume user stories (tests/recruiter-*-resume*.test.ts,
//! tests/tenants-keep-their-resume-files.test.ts): tenants with members of each role, the
//! fixture corpus with its ground truth, and a PDF of any size.

import type { SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { assertEquals } from "./assert.ts";
import { createUser, signUp, tokenFor, uniqueEmail } from "./auth.ts";
import { clientFor } from "./clients.ts";
import { psql } from "./db.ts";

export interface Member {
  id: string;
  token: string;
  client: SupabaseClient;
}

export interface Tenant {
  id: string;
  owner: Member;
}

/** A new tenant (create_tenant as a freshly signed-up user), its owner's token refreshed. */
export async function newTenant(prefix: string): Promise<Tenant> {
  const user = await signUp(`${prefix}-owner`);
  const { data: id, error } = await clientFor(user.token).rpc("create_tenant", {
    p_name: `${prefix} ${crypto.randomUUID().slice(0, 6)}`,
  });
  assertEquals(error, null, "create_tenant");
  const token = await tokenFor(user.id);
  return { id: id!, owner: { id: user.id, token, client: clientFor(token) } };
}

/** Another member of `tenant` with `role` (admin or user), added as the platform would. */
export async function addMember(tenant: Tenant, role: "admin" | "user"): Promise<Member> {
  const email = uniqueEmail(`${role}`);
  const user = await createUser(email);
  await psql(
    `insert into public.users (id, tenant_id, role, email) values (:'id', :'tenant', :'role', :'email');`,
    { id: user.id, tenant: tenant.id, role, email },
  );
  const token = await tokenFor(user.id);
  return { id: user.id, token, client: clientFor(token) };
}

// ---------------------------------------------------------------------------------------
// The fixture corpus

export const CORPUS = new URL("../fixtures/resumes/", import.meta.url).pathname;

export interface ManifestEntry {
  file: string;
  producer: string;
  layout: string;
  lang: string;
  expect_error: string | null;
}

export interface Truth {
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  location: string | null;
  links: string[];
  skills: string[];
  experience: { title: string | null; company: string | null; start: string | null; end: string | null }[];
  education: { institution: string | null; degree: string | null; field: string | null; year: number | null }[];
}

export async function manifest(): Promise<ManifestEntry[]> {
  return JSON.parse(await Deno.readTextFile(`${CORPUS}manifest.json`));
}

export async function truthOf(file: string): Promise<Truth> {
  return JSON.parse(await Deno.readTextFile(`${CORPUS}${file.replace(/\.pdf$/, ".json")}`));
}

export async function corpusFile(file: string): Promise<Uint8Array<ArrayBuffer>> {
  return await Deno.readFile(`${CORPUS}${file}`);
}

/** `bytes` made unique (a comment after %%EOF), so each test run uploads a new file. */
export function unique(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const tail = new TextEncoder().encode(`\n%run ${crypto.randomUUID()}\n`);
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes);
  out.set(tail, bytes.byteLength);
  return out;
}

/** A PDF-looking file of exactly `size` bytes (a header, then padding). */
export function pdfOfSize(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size).fill(0x20);
  out.set(new TextEncoder().encode(`%PDF-1.7\n%${crypto.randomUUID()}\n`));
  return out;
}

/** Digits only, for comparing phone numbers written differently. */
export const digits = (s: string | null | undefined) => (s ?? "").replace(/\D/g, "");

/**
 * Uploads of about `size` bytes made from a real resume: `base`'s pages followed by an
 * incompressible stream object no page uses (the whole file is still read, hashed, stored
 * and parsed). Each call answers a new file; the random filler is made once.
 */
export function paddedResumes(base: Uint8Array, size: number): () => Uint8Array<ArrayBuffer> {
  const filler = new Uint8Array(Math.max(0, size - 4096 - base.byteLength));
  for (let i = 0; i < filler.length; i += 65536) crypto.getRandomValues(filler.subarray(i, Math.min(i + 65536, filler.length)));
  return () => {
    const head = new TextEncoder().encode(`\n%padded ${crypto.randomUUID()}\n999 0 obj\n<< /Length ${filler.byteLength} >>\nstream\n`);
    const tail = new TextEncoder().encode("\nendstream\nendobj\n");
    const out = new Uint8Array(base.byteLength + head.byteLength + filler.byteLength + tail.byteLength);
    out.set(base);
    out.set(head, base.byteLength);
    out.set(filler, base.byteLength + head.byteLength);
    out.set(tail, base.byteLength + head.byteLength + filler.byteLength);
    return out;
  };
}
