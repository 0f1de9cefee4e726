//! What the stack writes to its logs about a request whose token travels in the query
//! string (a browser's WebSocket cannot set Authorization: transcript-relay takes
//! `?access_token=`, Realtime `?apikey=`): the request is logged, the secret is not.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { config, logDir } from "../../tests/lib/config.ts";

async function logged(file: string): Promise<string> {
  return await Deno.readTextFile(`${logDir}/${file}`).catch(() => "");
}

Deno.test("logs: tokens and keys in a query string are redacted in the gateway's access log and absent from the functions log", async () => {
  const marker = crypto.randomUUID();
  const secrets = [`tok-${marker}`, `key-${marker}`, `tkn-${marker}`];
  const urls = [
    `${config.apiUrl}/functions/v1/echo?marker=${marker}&access_token=${secrets[0]}&apikey=${secrets[1]}`,
    `${config.apiUrl}/rest/v1/?token=${secrets[2]}&marker=${marker}`,
  ];
  for (const url of urls) await (await fetch(url)).body?.cancel();

  // nginx writes each access log line when the request ends; allow it a moment.
  let access = "";
  for (let i = 0; i < 50 && access.split(marker).length - 1 < urls.length; i++) {
    await new Promise((r) => setTimeout(r, 20));
    access = await logged("nginx-access.log");
  }
  const lines = access.split("\n").filter((l) => l.includes(marker));
  assertEquals(lines.length, urls.length, "each request is in the access log");
  assert(lines[0].includes("access_token=REDACTED") && lines[0].includes("apikey=REDACTED"), lines[0]);
  assert(lines[1].includes("token=REDACTED"), lines[1]);
  for (const file of ["nginx-access.log", "nginx-error.log", "functions.log", "rest.log"]) {
    const text = await logged(file);
    for (const secret of secrets) assert(!text.includes(secret), `${file} holds ${secret}`);
  }
});
