//! The mail Auth sends, read back from the stack's Mailpit through its API
//! (`GET /api/v1/search`, `GET /api/v1/message/{ID}`), as a frontend developer reads it
//! in Mailpit's web UI on :54324.

import { config } from "./config.ts";

export interface Mail {
  subject: string;
  from: string;
  to: string[];
  html: string;
  /** The first link of the body (the one to follow), entities decoded. */
  link: string;
}

async function api(path: string): Promise<any> {
  const r = await fetch(`${config.mailUrl}/api/v1/${path}`);
  if (!r.ok) throw new Error(`Mailpit ${path}: ${r.status} ${await r.text()}`);
  return await r.json();
}

/** The mails to `address` so far, newest first. */
export async function mailsTo(address: string): Promise<Mail[]> {
  const found = await api(`search?query=${encodeURIComponent(`to:"${address}"`)}`);
  const mails: Mail[] = [];
  for (const summary of found.messages ?? []) {
    const m = await api(`message/${summary.ID}`);
    const href = /href="([^"]+)"/.exec(m.HTML ?? "")?.[1] ?? "";
    mails.push({
      subject: m.Subject,
      from: m.From?.Address ?? "",
      to: (m.To ?? []).map((t: { Address: string }) => t.Address),
      html: m.HTML ?? "",
      link: href.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">"),
    });
  }
  return mails;
}

/** Waits (up to `timeoutMs`) for the `count`-th mail to `address` and returns the newest. */
export async function waitForMail(address: string, count = 1, timeoutMs = 5000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(address);
    if (mails.length >= count) return mails[0];
    if (Date.now() > deadline) {
      throw new Error(`no mail #${count} to ${address} in Mailpit (${config.mailUrl}) after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
