//! A small stand-in for the Supabase Management API (`https://api.supabase.com/v1`): the
//! endpoints `supabase functions deploy` calls, so the real CLI can deploy against it and
//! a test can read exactly what the CLI uploaded. Nothing is bundled or run.
//!
//! Serves (request and response shapes as the API's OpenAPI description names them):
//! - `GET  /v1/projects/{ref}` → `V1ProjectWithDatabaseResponse` (the CLI reads it for
//!   its telemetry after every project command)
//! - `POST /v1/projects/{ref}/functions/deploy?slug=&bundleOnly=` → 201
//!   `DeployFunctionResponse`. Body: multipart/form-data, one `metadata` part
//!   (`FunctionDeployMetadata` JSON: `entrypoint_path`, `import_map_path`,
//!   `static_patterns`, `verify_jwt`, `name`) and one `file` part per file, named by its
//!   path. With `bundleOnly=true` the function is stored but not made live: the CLI
//!   deploying several functions sends each like that, then one bulk update.
//! - `PUT  /v1/projects/{ref}/functions` (`BulkUpdateFunctionBody`) → 200
//!   `BulkUpdateFunctionResponse`: makes those functions live.
//! - `GET  /v1/projects/{ref}/functions` → the live functions (`FunctionResponse[]`).
//!
//! Does not serve anything else (404 `{"message"}`), keeps one project (another ref is
//! 404), and holds its state in memory. Every request must carry `Authorization: Bearer
//! <the access token it was started with>`; a missing or different one is 401
//! `{"message":"Unauthorized"}`, as the real API answers. Malformed input is 400 with a
//! `message`: the real API's wording for those cases is not published, only the status.
//!
//! Held to the real API by the real CLI: local/tests/deploy/cli.test.ts runs `supabase
//! functions deploy` (node_modules/.bin/supabase) against it, so a CLI that calls another
//! endpoint or sends another shape fails there; the shapes are the OpenAPI description's
//! (`DeployFunctionResponse`, `BulkUpdateFunctionBody`, ...), as the CLI's generated client
//! reads them.
//!
//! Every request is recorded (method, path, query, headers without credentials, and the
//! multipart parts with each file's bytes): `startManagementApi(...).requests`.
//! Run alone: `deno run --allow-net --allow-write --allow-env local/management-api/server.ts [--port N] [--ref REF]`
//! with `SUPABASE_ACCESS_TOKEN` set; it prints the `--profile` file to give the CLI and one
//! JSON line per request.

/** One part of a multipart body: a form field (`value`) or a file (`filename`, `bytes`). */
export interface RecordedPart {
  name: string;
  value?: string;
  filename?: string;
  contentType?: string;
  bytes?: Uint8Array;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `authorization`, `apikey` and `cookie` are left out. */
  headers: Record<string, string>;
  /** How the request's bearer token compared with the one the stand-in accepts. */
  auth: "valid" | "missing" | "wrong";
  parts?: RecordedPart[];
  json?: unknown;
  status: number;
}

/** A function as the API describes it (`FunctionResponse`), plus what was uploaded. */
export interface DeployedFunction {
  id: string;
  slug: string;
  name: string;
  status: "ACTIVE";
  version: number;
  created_at: number;
  updated_at: number;
  verify_jwt: boolean;
  import_map: boolean;
  entrypoint_path: string;
  import_map_path?: string;
  files: RecordedPart[];
}

export interface ManagementApiOptions {
  accessToken: string;
  projectRef: string;
  hostname?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  onRequest?: (r: RecordedRequest) => void;
}

export interface ManagementApi {
  url: string;
  requests: RecordedRequest[];
  /** The live functions, by slug. */
  functions: Map<string, DeployedFunction>;
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(["authorization", "apikey", "cookie"]);
// The slug rule the CLI and the dashboard apply to function names.
const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

/** The file a CLI `--profile` flag (or `SUPABASE_PROFILE`) takes to talk to `url`. */
export function cliProfile(url: string): string {
  return JSON.stringify({
    name: "management-api-stand-in",
    api_url: url,
    dashboard_url: `${url}/dashboard`,
    project_host: "supabase.red",
  });
}

export function startManagementApi(opts: ManagementApiOptions): ManagementApi {
  const requests: RecordedRequest[] = [];
  const functions = new Map<string, DeployedFunction>();
  // Uploaded with bundleOnly=true, waiting for the bulk update that makes them live.
  const bundled = new Map<string, DeployedFunction>();

  function project() {
    return {
      id: opts.projectRef,
      ref: opts.projectRef,
      organization_id: "stand-in-org",
      organization_slug: "stand-in-org",
      name: "management-api-stand-in",
      region: "us-east-1",
      created_at: "2025-01-01T00:00:00Z",
      status: "ACTIVE_HEALTHY",
      database: {
        host: `db.${opts.projectRef}.supabase.red`,
        version: "15.8.1",
        postgres_engine: "15",
        release_channel: "ga",
      },
    };
  }

  function describe(f: DeployedFunction) {
    const { files: _files, ...rest } = f;
    return rest;
  }

  async function deploy(req: Request, url: URL, rec: RecordedRequest): Promise<Response> {
    if (!(req.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
      throw new HttpError(400, "expected a multipart/form-data body");
    }
    let form: FormData;
    try {
      form = await req.formData();
    } catch (err) {
      throw new HttpError(400, `malformed multipart body: ${(err as Error).message}`);
    }
    const parts: RecordedPart[] = [];
    for (const [name, v] of form) {
      parts.push(
        typeof v === "string" ? { name, value: v } : {
          name,
          filename: v.name,
          contentType: v.type,
          bytes: new Uint8Array(await v.arrayBuffer()),
        },
      );
    }
    rec.parts = parts;

    const metaText = parts.find((p) => p.name === "metadata")?.value;
    if (metaText === undefined) throw new HttpError(400, "the metadata part is required");
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(metaText);
    } catch {
      throw new HttpError(400, "metadata is not JSON");
    }
    if (typeof meta !== "object" || meta === null || typeof meta.entrypoint_path !== "string") {
      throw new HttpError(400, "metadata.entrypoint_path is required");
    }
    const slug = url.searchParams.get("slug") ?? (typeof meta.name === "string" ? meta.name : "");
    if (!SLUG.test(slug)) throw new HttpError(400, `invalid function slug: "${slug}"`);
    const files = parts.filter((p) => p.name === "file" && p.bytes);
    if (!files.some((f) => f.filename === meta.entrypoint_path)) {
      throw new HttpError(400, `the entrypoint ${meta.entrypoint_path} is not among the uploaded files`);
    }

    const now = Date.now();
    const previous = bundled.get(slug) ?? functions.get(slug);
    const fn: DeployedFunction = {
      id: previous?.id ?? crypto.randomUUID(),
      slug,
      name: typeof meta.name === "string" ? meta.name : slug,
      status: "ACTIVE",
      version: (functions.get(slug)?.version ?? 0) + 1,
      created_at: previous?.created_at ?? now,
      updated_at: now,
      verify_jwt: meta.verify_jwt !== false,
      import_map: typeof meta.import_map_path === "string" && meta.import_map_path !== "",
      entrypoint_path: meta.entrypoint_path,
      ...(typeof meta.import_map_path === "string" ? { import_map_path: meta.import_map_path } : {}),
      files,
    };
    if (url.searchParams.get("bundleOnly") === "true") bundled.set(slug, fn);
    else functions.set(slug, fn);
    return json(201, describe(fn));
  }

  async function bulkUpdate(req: Request, rec: RecordedRequest): Promise<Response> {
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      throw new HttpError(400, "the body is not JSON");
    }
    rec.json = body;
    if (!Array.isArray(body)) throw new HttpError(400, "expected an array of functions");
    const updated: DeployedFunction[] = [];
    for (const item of body) {
      if (typeof item?.id !== "string" || typeof item?.slug !== "string" || !SLUG.test(item.slug)) {
        throw new HttpError(400, "each function needs an id and a valid slug");
      }
      const upload = bundled.get(item.slug) ?? functions.get(item.slug);
      if (!upload) throw new HttpError(404, `no bundle uploaded for ${item.slug}`);
      const fn: DeployedFunction = {
        ...upload,
        id: item.id,
        name: typeof item.name === "string" ? item.name : upload.name,
        version: typeof item.version === "number" ? item.version : upload.version,
        verify_jwt: typeof item.verify_jwt === "boolean" ? item.verify_jwt : upload.verify_jwt,
        updated_at: Date.now(),
      };
      bundled.delete(item.slug);
      functions.set(item.slug, fn);
      updated.push(fn);
    }
    return json(200, { functions: updated.map(describe) });
  }

  async function route(req: Request, url: URL, rec: RecordedRequest): Promise<Response> {
    const m = url.pathname.match(/^\/v1\/projects\/([^/]+)(\/functions(?:\/deploy)?)?\/?$/);
    if (!m) throw new HttpError(404, `Cannot ${req.method} ${url.pathname}`);
    const [, ref, rest = ""] = m;
    if (ref !== opts.projectRef) throw new HttpError(404, `project ${ref} not found`);
    switch (`${req.method} ${rest}`) {
      case "GET ":
        return json(200, project());
      case "GET /functions":
        return json(200, [...functions.values()].map(describe));
      case "PUT /functions":
        return await bulkUpdate(req, rec);
      case "POST /functions/deploy":
        return await deploy(req, url, rec);
      default:
        throw new HttpError(404, `Cannot ${req.method} ${url.pathname}`);
    }
  }

  const server = Deno.serve(
    { hostname: opts.hostname ?? "127.0.0.1", port: opts.port ?? 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) if (!SECRET_HEADERS.has(k)) headers[k] = v;
      const given = req.headers.get("authorization");
      const rec: RecordedRequest = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        auth: given === null ? "missing" : given === `Bearer ${opts.accessToken}` ? "valid" : "wrong",
        status: 0,
      };
      let res: Response;
      try {
        if (rec.auth !== "valid") throw new HttpError(401, "Unauthorized");
        res = await route(req, url, rec);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        res = json(err.status, { message: err.message });
      }
      rec.status = res.status;
      requests.push(rec);
      opts.onRequest?.(rec);
      return res;
    },
  );
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://${addr.hostname}:${addr.port}`,
    requests,
    functions,
    close: () => server.shutdown(),
  };
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const accessToken = Deno.env.get("SUPABASE_ACCESS_TOKEN");
  if (!accessToken) {
    console.error("set SUPABASE_ACCESS_TOKEN to the token the CLI will send (sbp_ and 40 hex digits)");
    Deno.exit(2);
  }
  const api = startManagementApi({
    accessToken,
    projectRef: arg("--ref") ?? "abcdefghijklmnopqrst",
    port: Number(arg("--port") ?? 0),
    onRequest: (r) =>
      console.log(JSON.stringify({
        ...r,
        parts: r.parts?.map(({ bytes, ...p }) => (bytes ? { ...p, size: bytes.length } : p)),
      })),
  });
  const profile = await Deno.makeTempFile({ prefix: "management-api-", suffix: ".json" });
  await Deno.writeTextFile(profile, cliProfile(api.url));
  console.error(`Management API stand-in on ${api.url}; CLI: supabase --profile ${profile} ...`);
}
