-- save_generated_position: the one write of the generate-position edge function. A
-- generated position (new, or a regenerated draft) and its weighted competencies are
-- saved in one statement, so a failure leaves nothing half-written.
--
-- Why SECURITY DEFINER: regenerating replaces a draft's competency links, and the
-- position_competencies policies let only owners delete links, while admins may generate
-- and regenerate positions too. The function therefore checks its caller itself, with the
-- same helpers as the policies (owner or admin of their tenant, membership confirmed by
-- public.users), writes only rows of that tenant, and pins search_path.
--
-- Competencies are matched to the tenant's library by name, case-insensitively (the
-- unique index competencies_tenant_id_name_key), instead of duplicated; an existing entry
-- keeps its own name, description and category.
--
-- Weights arrive as fractions summing to 1 (4 decimals); they are stored as percentages
-- in position_competencies.weight (numeric(6,2), 0 < w <= 100), the unit the seed uses.
--
-- Idempotency: a caller may send a request key (the function forwards the
-- Idempotency-Key header); a second call with the same key in the same tenant returns
-- the position the first one created instead of creating another. The key is kept in
-- positions.metadata.request_key, unique per tenant.

create unique index positions_tenant_id_request_key_key
  on public.positions (tenant_id, (metadata ->> 'request_key'))
  where metadata ? 'request_key';

-- ---------------------------------------------------------------------------------------
-- The answer: a position with its competencies, as generate-position returns it.
-- ---------------------------------------------------------------------------------------
create or replace function private.position_with_competencies(
  p_position_id uuid,
  p_new_competencies uuid[] default null
)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'position_id', p.id,
    'tenant_id', p.tenant_id,
    'company_id', p.company_id,
    'title', p.title,
    'status', p.status,
    'seniority', p.seniority,
    'department', p.department,
    'location', p.location,
    'employment_type', p.employment_type,
    'description', coalesce(p.description, ''),
    'responsibilities', pg_catalog.to_jsonb(p.responsibilities),
    'requirements', pg_catalog.to_jsonb(p.requirements),
    'nice_to_have', pg_catalog.to_jsonb(p.nice_to_have),
    'generation', coalesce(p.metadata -> 'generation', '{}'::jsonb),
    'created_at', p.created_at,
    'updated_at', p.updated_at,
    'competencies', coalesce((
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'competency_id', c.id,
               'name', c.name,
               'description', coalesce(c.description, ''),
               'category', coalesce(c.category, ''),
               -- stored as percentages; answered as fractions of the position's total
               'weight', pg_catalog.round(pc.weight / t.total, 4),
               'required_level', pc.required_level,
               -- an entry of the tenant's library rather than one this save added; on a
               -- replay (no list) judged by age, which only differs within one transaction
               'reused', case when p_new_competencies is null then c.created_at < p.updated_at
                              else not (c.id = any (p_new_competencies)) end)
             order by pc.weight desc, c.name)
      from public.position_competencies pc
      join public.competencies c on c.id = pc.competency_id and c.tenant_id = pc.tenant_id
      cross join (select sum(x.weight) as total from public.position_competencies x
                  where x.position_id = p.id and x.tenant_id = p.tenant_id) t
      where pc.position_id = p.id and pc.tenant_id = p.tenant_id
    ), '[]'::jsonb))
  from public.positions p
  where p.id = p_position_id
$$;
comment on function private.position_with_competencies(uuid, uuid[]) is
  'A position and its competencies as jsonb: weights as fractions of the total; reused = not among p_new_competencies (the ones the save just added), or, without that list, older than the position''s last save. No access check: called only by save_generated_position after its own checks.';
revoke all on function private.position_with_competencies(uuid, uuid[]) from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- RPC
-- ---------------------------------------------------------------------------------------
create or replace function public.save_generated_position(
  p_position jsonb,
  p_competencies jsonb,
  p_position_id uuid default null,
  p_request_key text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tenant uuid := private.require_permission('positions', '{create}', 'Sign in to generate positions.',
    'Only owners and admins of an organisation can generate its positions.');
  v_title text := pg_catalog.btrim(coalesce(p_position ->> 'title', ''));
  v_company uuid;
  v_key text := nullif(pg_catalog.btrim(coalesce(p_request_key, '')), '');
  v_status text;
  v_existing uuid;
  v_position uuid;
  v_created boolean := p_position_id is null;
  v_item jsonb;
  v_name text;
  v_competency uuid;
  v_sum numeric := 0;
  v_names text[] := '{}'::text[];
  v_new uuid[] := '{}'::uuid[];
  v_text_field text;
  v_list_field text;
begin
  -- ---- the position's fields --------------------------------------------------------
  if p_position is null or pg_catalog.jsonb_typeof(p_position) <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_position',
      detail = 'The position must be a JSON object.';
  end if;
  if pg_catalog.length(v_title) not between 1 and 200 then
    raise exception using errcode = 'PT400', message = 'invalid_title',
      detail = 'The title must be 1 to 200 characters.';
  end if;
  foreach v_text_field in array array['seniority', 'department', 'location', 'employment_type'] loop
    if pg_catalog.jsonb_typeof(p_position -> v_text_field) not in ('string', 'null')
       or pg_catalog.length(p_position ->> v_text_field) > 200 then
      raise exception using errcode = 'PT400', message = 'invalid_position',
        detail = pg_catalog.format('%s must be a text of at most 200 characters.', v_text_field);
    end if;
  end loop;
  if pg_catalog.jsonb_typeof(p_position -> 'description') not in ('string', 'null')
     or pg_catalog.length(p_position ->> 'description') > 10000 then
    raise exception using errcode = 'PT400', message = 'invalid_position',
      detail = 'The description must be a text of at most 10000 characters.';
  end if;
  foreach v_list_field in array array['responsibilities', 'requirements', 'nice_to_have'] loop
    if coalesce(pg_catalog.jsonb_typeof(p_position -> v_list_field), 'null') not in ('array', 'null')
       or pg_catalog.jsonb_array_length(coalesce(p_position -> v_list_field, '[]')) > 30
       or exists (select 1 from pg_catalog.jsonb_array_elements(coalesce(p_position -> v_list_field, '[]')) e
                  where pg_catalog.jsonb_typeof(e) <> 'string' or pg_catalog.length(e #>> '{}') not between 1 and 1000) then
      raise exception using errcode = 'PT400', message = 'invalid_position',
        detail = pg_catalog.format('%s must be a list of at most 30 texts of 1 to 1000 characters.', v_list_field);
    end if;
  end loop;
  if coalesce(pg_catalog.jsonb_typeof(p_position -> 'generation'), 'object') <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_position',
      detail = 'generation must be a JSON object.';
  end if;
  if pg_catalog.length(v_key) > 200 then
    raise exception using errcode = 'PT400', message = 'invalid_request_key',
      detail = 'The idempotency key must be at most 200 characters.';
  end if;

  -- ---- the competencies -----------------------------------------------------------------
  if p_competencies is null or pg_catalog.jsonb_typeof(p_competencies) <> 'array'
     or pg_catalog.jsonb_array_length(p_competencies) not between 1 and 25 then
    raise exception using errcode = 'PT400', message = 'invalid_competencies',
      detail = 'A position needs 1 to 25 competencies.';
  end if;
  for v_item in select e from pg_catalog.jsonb_array_elements(p_competencies) e loop
    v_name := pg_catalog.btrim(coalesce(v_item ->> 'name', ''));
    if pg_catalog.jsonb_typeof(v_item) <> 'object'
       or pg_catalog.length(v_name) not between 1 and 200
       or pg_catalog.jsonb_typeof(v_item -> 'description') not in ('string', 'null')
       or pg_catalog.length(v_item ->> 'description') > 2000
       or pg_catalog.jsonb_typeof(v_item -> 'category') not in ('string', 'null')
       or pg_catalog.length(v_item ->> 'category') > 50
       -- CASE, not OR: the casts must not run on a value that is not a number
       -- (parenthesised: PL/pgSQL would end the IF condition at the CASE's THEN)
       or (case when pg_catalog.jsonb_typeof(v_item -> 'weight') = 'number'
                then (v_item ->> 'weight')::numeric not between 0.0001 and 1 else true end)
       or (case when pg_catalog.jsonb_typeof(v_item -> 'required_level') = 'number'
                then (v_item ->> 'required_level')::numeric not in (1, 2, 3, 4, 5) else true end) then
      raise exception using errcode = 'PT400', message = 'invalid_competencies',
        detail = 'Each competency needs a name (1-200 characters), a weight between 0.0001 and 1 and a required level from 1 to 5.';
    end if;
    if pg_catalog.lower(v_name) = any (v_names) then
      raise exception using errcode = 'PT400', message = 'invalid_competencies',
        detail = pg_catalog.format('The competency "%s" is listed twice.', v_name);
    end if;
    v_names := v_names || pg_catalog.lower(v_name);
    v_sum := v_sum + pg_catalog.round((v_item ->> 'weight')::numeric, 4);
  end loop;
  if v_sum <> 1 then
    raise exception using errcode = 'PT400', message = 'invalid_competencies',
      detail = 'The competency weights must sum to 1 (rounded to 4 decimals).';
  end if;

  -- ---- references: only the caller's tenant; unknown and foreign look the same ---------------
  if p_position ? 'company_id' and p_position -> 'company_id' <> 'null'::jsonb then
    begin
      v_company := (p_position ->> 'company_id')::uuid;
    exception when invalid_text_representation then
      raise exception using errcode = 'PT400', message = 'invalid_company_id',
        detail = 'company_id must be a uuid.';
    end;
    if not exists (select 1 from public.companies c where c.id = v_company and c.tenant_id = v_tenant) then
      raise exception using errcode = 'PT404', message = 'company_not_found',
        detail = 'No such company in this organisation.';
    end if;
  end if;

  if p_position_id is not null then
    select p.status into v_status
    from public.positions p
    where p.id = p_position_id and p.tenant_id = v_tenant
    for update;
    if not found then
      raise exception using errcode = 'PT404', message = 'position_not_found',
        detail = 'No such position in this organisation.';
    end if;
    if v_status <> 'draft' then
      raise exception using errcode = 'PT409', message = 'position_not_draft',
        detail = pg_catalog.format('The position is %s; only a draft can be regenerated.', v_status);
    end if;
  elsif v_key is not null then
    -- Concurrent retries with one key take turns; the second finds the first's position.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(v_tenant::text || '/position/' || v_key, 0));
    select p.id into v_existing
    from public.positions p
    where p.tenant_id = v_tenant and p.metadata ->> 'request_key' = v_key;
    if v_existing is not null then
      return private.position_with_competencies(v_existing)
        || pg_catalog.jsonb_build_object('created', false, 'replayed', true);
    end if;
  end if;

  -- ---- write ------------------------------------------------------------------------------
  if p_position_id is null then
    insert into public.positions (tenant_id, company_id, title, description, responsibilities, requirements,
                                  nice_to_have, department, seniority, location, employment_type, status, metadata)
    values (
      v_tenant, v_company, v_title,
      p_position ->> 'description',
      array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'responsibilities', '[]'))),
      array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'requirements', '[]'))),
      array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'nice_to_have', '[]'))),
      p_position ->> 'department', p_position ->> 'seniority', p_position ->> 'location',
      p_position ->> 'employment_type', 'draft',
      pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'generation', coalesce(p_position -> 'generation', '{}'::jsonb),
        'request_key', v_key)))
    returning id into v_position;
  else
    v_position := p_position_id;
    update public.positions p
    set title = v_title,
        company_id = case when p_position ? 'company_id' then v_company else p.company_id end,
        description = p_position ->> 'description',
        responsibilities = array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'responsibilities', '[]'))),
        requirements = array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'requirements', '[]'))),
        nice_to_have = array(select pg_catalog.jsonb_array_elements_text(coalesce(p_position -> 'nice_to_have', '[]'))),
        department = p_position ->> 'department',
        seniority = p_position ->> 'seniority',
        location = p_position ->> 'location',
        employment_type = p_position ->> 'employment_type',
        metadata = p.metadata || pg_catalog.jsonb_build_object('generation', coalesce(p_position -> 'generation', '{}'::jsonb))
    where p.id = v_position;
    delete from public.position_competencies pc
    where pc.position_id = v_position and pc.tenant_id = v_tenant;
  end if;

  for v_item in select e from pg_catalog.jsonb_array_elements(p_competencies) e loop
    v_name := pg_catalog.btrim(v_item ->> 'name');
    -- Insert first, look up on conflict: one look-up covers both an existing entry and
    -- one a concurrent save adds (the insert waits for that save, the look-up then sees it).
    insert into public.competencies (tenant_id, name, description, category)
    values (v_tenant, v_name, nullif(pg_catalog.btrim(v_item ->> 'description'), ''),
            nullif(pg_catalog.btrim(v_item ->> 'category'), ''))
    on conflict (tenant_id, pg_catalog.lower(name)) do nothing
    returning id into v_competency;
    if found then
      v_new := v_new || v_competency;
    else
      select c.id into v_competency
      from public.competencies c
      where c.tenant_id = v_tenant and pg_catalog.lower(c.name) = pg_catalog.lower(v_name);
    end if;
    insert into public.position_competencies (tenant_id, position_id, competency_id, weight, required_level)
    values (v_tenant, v_position, v_competency,
            pg_catalog.round((v_item ->> 'weight')::numeric * 100, 2),
            (v_item ->> 'required_level')::numeric::integer);
  end loop;

  return private.position_with_competencies(v_position, v_new)
    || pg_catalog.jsonb_build_object('created', v_created, 'replayed', false);
end
$$;
comment on function public.save_generated_position(jsonb, jsonb, uuid, text) is
  'Saves a generated position as a draft with its weighted competencies in one transaction: a new one (p_position_id NULL; p_request_key makes a retry return the first result, replayed = true) or a regenerated draft (its competency links replaced). Competencies are matched to the tenant library by name, case-insensitively. Caller: owner or admin (PT401 not_authenticated, PT403 forbidden); PT400 invalid_title / invalid_position / invalid_competencies / invalid_company_id / invalid_request_key; PT404 company_not_found / position_not_found (another tenant''s look the same as unknown ones); PT409 position_not_draft. SECURITY DEFINER because admins may not delete competency links under RLS.';
revoke all on function public.save_generated_position(jsonb, jsonb, uuid, text) from public, anon;
grant execute on function public.save_generated_position(jsonb, jsonb, uuid, text) to authenticated;
