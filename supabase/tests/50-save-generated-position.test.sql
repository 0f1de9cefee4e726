-- save_generated_position(p_position, p_competencies, p_position_id, p_request_key): who
-- may call it, what it writes (once, in the caller's tenant only), competency matching by
-- name, idempotent replays, regeneration of drafts, and every refusal.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(68);

-- A valid generated position: Rust exists in A's library (as "Rust"), the others do not.
create function pg_temp.pos(p_title text default 'Senior Backend Engineer', p_extra jsonb default '{}')
returns jsonb language sql as $$
  select jsonb_build_object(
    'title', p_title, 'seniority', 'senior', 'department', 'Engineering', 'location', 'Remote',
    'employment_type', 'full_time', 'description', 'Build and run our APIs.',
    'responsibilities', jsonb_build_array('Design services', 'Mentor engineers'),
    'requirements', jsonb_build_array('5+ years of backend work'),
    'nice_to_have', jsonb_build_array('Rust'),
    'generation', jsonb_build_object('generator', 'template', 'role_family', 'backend')) || p_extra
$$;
create function pg_temp.comps() returns jsonb language sql as $$
  select '[{"name": "rust", "description": "Systems language", "category": "technical", "weight": 0.4, "required_level": 4},
           {"name": "API design", "description": "REST and RPC", "category": "technical", "weight": 0.35, "required_level": 4},
           {"name": "Ownership", "description": "Sees things through", "category": "behavioral", "weight": 0.25, "required_level": 3}]'::jsonb
$$;
grant execute on function pg_temp.pos(text, jsonb), pg_temp.comps() to anon, authenticated;
create temp table saved (name text primary key, r jsonb);
grant all on saved to anon, authenticated;

-- ---- refused callers ---------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, '42501', null,
  'save_generated_position: anon cannot call it');
select tests.authenticate_as('user_a');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT403', 'forbidden',
  'save_generated_position: a plain user of the tenant is refused (PT403 forbidden)');
select tests.authenticate_as('cand_a');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT403', 'forbidden',
  'save_generated_position: a candidate of A (no tenant role) is refused');
select tests.authenticate_as('cand_ab');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT403', 'forbidden',
  'save_generated_position: a candidate of A and B is refused');
select tests.authenticate_as('user_b');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps(), '50000000-0000-0000-0000-0000000000b2')$$, 'PT403', 'forbidden',
  'save_generated_position: a plain user of B cannot regenerate B''s draft either');
select tests.authenticate_as('outsider');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT403', 'forbidden',
  'save_generated_position: a signed-in user without a tenant is refused');
select tests.set_claims(jsonb_set(tests.claims(), '{app_metadata}', '{"tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "owner"}'));
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT403', 'forbidden',
  'save_generated_position: forged owner claims without a membership are refused');
select tests.set_claims('{"role": "authenticated"}');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps())$$, 'PT401', 'not_authenticated',
  'save_generated_position: PT401 without a signed-in user');
reset role;
select is((select count(*)::int from public.positions where title = 'Senior Backend Engineer'), 0,
  'refused calls wrote no position');
select is((select count(*)::int from public.competencies where lower(name) in ('api design', 'ownership')), 0,
  'refused calls wrote no competency');

-- ---- a new draft ----------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select lives_ok($$insert into saved values ('first', save_generated_position(pg_temp.pos(), pg_temp.comps()))$$,
  'save_generated_position: an owner saves a generated position');
reset role;
select is((select r ->> 'status' from saved where name = 'first'), 'draft', 'it is saved as a draft');
select is((select (r ->> 'created')::boolean from saved where name = 'first'), true, 'created is true');
select is((select (r ->> 'replayed')::boolean from saved where name = 'first'), false, 'replayed is false');
select is((select r ->> 'tenant_id' from saved where name = 'first'), '10000000-0000-0000-0000-0000000000aa',
  'in the caller''s tenant');
select results_eq(
  $$select title, seniority, department, location, employment_type, description, responsibilities, requirements, nice_to_have, status
    from public.positions where id = (select (r ->> 'position_id')::uuid from saved where name = 'first')$$,
  $$values ('Senior Backend Engineer'::text, 'senior'::text, 'Engineering'::text, 'Remote'::text, 'full_time'::text,
            'Build and run our APIs.'::text, array['Design services', 'Mentor engineers'], array['5+ years of backend work'],
            array['Rust'], 'draft'::text)$$,
  'the position row holds every generated field');
select is((select metadata -> 'generation' ->> 'generator' from public.positions
           where id = (select (r ->> 'position_id')::uuid from saved where name = 'first')),
  'template', 'the generation provenance is kept in metadata.generation');
select is((select jsonb_array_length(r -> 'competencies') from saved where name = 'first'), 3, 'three competencies answered');
select is((select sum((c ->> 'weight')::numeric) from saved, jsonb_array_elements(r -> 'competencies') c where name = 'first'),
  1.0000, 'the answered weights sum to 1');
select is((select c ->> 'competency_id' from saved, jsonb_array_elements(r -> 'competencies') c
           where name = 'first' and lower(c ->> 'name') = 'rust'),
  '60000000-0000-0000-0000-0000000000a1', '"rust" is matched to A''s existing "Rust", case-insensitively');
select is((select c ->> 'name' from saved, jsonb_array_elements(r -> 'competencies') c
           where name = 'first' and lower(c ->> 'name') = 'rust'),
  'Rust', 'the library entry keeps its own name');
select results_eq(
  $$select c ->> 'name', (c ->> 'reused')::boolean from saved, jsonb_array_elements(r -> 'competencies') c
    where name = 'first' order by 1$$,
  $$values ('API design', false), ('Ownership', false), ('Rust', true)$$,
  'reused says which competencies came from the library');
select is((select count(*)::int from public.competencies where tenant_id = '10000000-0000-0000-0000-0000000000aa' and lower(name) = 'rust'),
  1, 'no duplicate of Rust in A''s library');
select is((select count(*)::int from public.competencies where tenant_id = '10000000-0000-0000-0000-0000000000aa' and name in ('API design', 'Ownership')),
  2, 'the new competencies are added to A''s library');
select results_eq(
  $$select c.name, pc.weight, pc.required_level from public.position_competencies pc join public.competencies c on c.id = pc.competency_id
    where pc.position_id = (select (r ->> 'position_id')::uuid from saved where name = 'first') order by c.name$$,
  $$values ('API design'::text, 35.00::numeric, 4), ('Ownership', 25.00, 3), ('Rust', 40.00, 4)$$,
  'weights are stored as percentages with the required levels');
select is(
  (select count(*)::int from public.audit_log a, saved s
   where s.name = 'first' and a.table_name = 'positions' and a.row_id = s.r ->> 'position_id'
     and a.op = 'INSERT' and a.actor_id = '20000000-0000-0000-0000-0000000000a1'),
  1, 'the position is audited with owner_a as the actor');

select tests.authenticate_as('admin_a');
select lives_ok($$insert into saved values ('by_admin', save_generated_position(pg_temp.pos('Backend Engineer'), pg_temp.comps()))$$,
  'save_generated_position: an admin saves one too');
select tests.authenticate_as('owner_b');
select lives_ok($$insert into saved values ('in_b', save_generated_position(pg_temp.pos(), pg_temp.comps()))$$,
  'save_generated_position: an owner of B saves the same in B');
reset role;
select is((select count(*)::int from public.competencies where tenant_id = '10000000-0000-0000-0000-0000000000bb' and lower(name) = 'rust'),
  1, 'B gets its own Rust: libraries are per tenant');
select is((select r ->> 'tenant_id' from saved where name = 'in_b'), '10000000-0000-0000-0000-0000000000bb', 'B''s position is in B');

-- ---- idempotent retries ----------------------------------------------------------------
select tests.authenticate_as('owner_a');
select lives_ok($$insert into saved values ('keyed', save_generated_position(pg_temp.pos('Keyed role'), pg_temp.comps(), null, 'req-123'))$$,
  'save_generated_position: with a request key');
select lives_ok($$insert into saved values ('replay', save_generated_position(pg_temp.pos('Keyed role'), pg_temp.comps(), null, 'req-123'))$$,
  'save_generated_position: the same key again');
reset role;
select is((select r ->> 'position_id' from saved where name = 'replay'), (select r ->> 'position_id' from saved where name = 'keyed'),
  'a replay answers the first position');
select is((select (r ->> 'replayed')::boolean from saved where name = 'replay'), true, 'replayed is true');
select is((select count(*)::int from public.positions where title = 'Keyed role'), 1, 'a replay creates nothing');
select tests.authenticate_as('owner_b');
select isnt((save_generated_position(pg_temp.pos('Keyed role'), pg_temp.comps(), null, 'req-123') ->> 'position_id'),
  (select r ->> 'position_id' from saved where name = 'keyed'),
  'the same key in another tenant is another position (keys are per tenant)');

-- ---- references: only the caller's tenant ------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$select save_generated_position(pg_temp.pos('X', '{"company_id": "30000000-0000-0000-0000-0000000000b1"}'), pg_temp.comps())$$,
  'PT404', 'company_not_found', 'save_generated_position: another tenant''s company is PT404 company_not_found');
select throws_ok($$select save_generated_position(pg_temp.pos('X', '{"company_id": "30000000-0000-0000-0000-0000000000ff"}'), pg_temp.comps())$$,
  'PT404', 'company_not_found', 'save_generated_position: an unknown company looks the same');
select throws_ok($$select save_generated_position(pg_temp.pos('X', '{"company_id": "acme"}'), pg_temp.comps())$$,
  'PT400', 'invalid_company_id', 'save_generated_position: PT400 invalid_company_id for a non-uuid');
select is((save_generated_position(pg_temp.pos('With company', '{"company_id": "30000000-0000-0000-0000-0000000000a1"}'), pg_temp.comps()) ->> 'company_id'),
  '30000000-0000-0000-0000-0000000000a1', 'save_generated_position: the tenant''s own company is accepted');

-- ---- refused input -----------------------------------------------------------------------
select throws_ok($$select save_generated_position(pg_temp.pos() - 'title', pg_temp.comps())$$, 'PT400', 'invalid_title',
  'save_generated_position: PT400 invalid_title without a title');
select throws_ok($$select save_generated_position(pg_temp.pos('   '), pg_temp.comps())$$, 'PT400', 'invalid_title',
  'save_generated_position: PT400 invalid_title for a blank title');
select throws_ok(format('select save_generated_position(pg_temp.pos(%L), pg_temp.comps())', repeat('x', 201)), 'PT400', 'invalid_title',
  'save_generated_position: PT400 invalid_title over 200 characters');
select throws_ok($$select save_generated_position(null, pg_temp.comps())$$, 'PT400', 'invalid_position',
  'save_generated_position: PT400 invalid_position for a NULL position');
select throws_ok($$select save_generated_position(pg_temp.pos('X', '{"responsibilities": "all"}'), pg_temp.comps())$$, 'PT400', 'invalid_position',
  'save_generated_position: PT400 invalid_position when a list is not a list');
select throws_ok($$select save_generated_position(pg_temp.pos('X', '{"seniority": 5}'), pg_temp.comps())$$, 'PT400', 'invalid_position',
  'save_generated_position: PT400 invalid_position when a text field is not text');
select throws_ok($$select save_generated_position(pg_temp.pos(), '[]')$$, 'PT400', 'invalid_competencies',
  'save_generated_position: PT400 invalid_competencies for none');
select throws_ok($$select save_generated_position(pg_temp.pos(), jsonb_set(pg_temp.comps(), '{0,weight}', '0.3'))$$, 'PT400', 'invalid_competencies',
  'save_generated_position: PT400 invalid_competencies when the weights do not sum to 1');
select throws_ok($$select save_generated_position(pg_temp.pos(), jsonb_set(pg_temp.comps(), '{1,name}', '"RUST"'))$$, 'PT400', 'invalid_competencies',
  'save_generated_position: PT400 invalid_competencies for a name listed twice (case-insensitively)');
select throws_ok($$select save_generated_position(pg_temp.pos(), jsonb_set(pg_temp.comps(), '{0,required_level}', '6'))$$, 'PT400', 'invalid_competencies',
  'save_generated_position: PT400 invalid_competencies for a level above 5');
select throws_ok($$select save_generated_position(pg_temp.pos(), jsonb_set(pg_temp.comps(), '{0,weight}', '"heavy"'))$$, 'PT400', 'invalid_competencies',
  'save_generated_position: PT400 invalid_competencies for a weight that is not a number (no cast error)');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps(), null, repeat('k', 201))$$, 'PT400', 'invalid_request_key',
  'save_generated_position: PT400 invalid_request_key over 200 characters');

-- ---- regenerating a draft ----------------------------------------------------------------
select lives_ok($$insert into saved values ('regen', save_generated_position(
    pg_temp.pos('Staff Backend Engineer', '{"seniority": "staff"}'),
    '[{"name": "System design", "description": "Trade-offs", "category": "technical", "weight": 0.7, "required_level": 5},
      {"name": "ownership", "description": "x", "category": "behavioral", "weight": 0.3, "required_level": 4}]',
    (select (r ->> 'position_id')::uuid from saved where name = 'first')))$$,
  'save_generated_position: the owner regenerates their draft');
reset role;
select is((select r ->> 'position_id' from saved where name = 'regen'), (select r ->> 'position_id' from saved where name = 'first'),
  'regenerating keeps the position');
select is((select (r ->> 'created')::boolean from saved where name = 'regen'), false, 'created is false when regenerating');
select results_eq(
  $$select c.name, pc.weight, pc.required_level from public.position_competencies pc join public.competencies c on c.id = pc.competency_id
    where pc.position_id = (select (r ->> 'position_id')::uuid from saved where name = 'first') order by c.name$$,
  $$values ('Ownership'::text, 30.00::numeric, 4), ('System design', 70.00, 5)$$,
  'the competency links are replaced, and "ownership" reuses the Ownership created by the first save');
select is((select title || ' / ' || seniority from public.positions where id = (select (r ->> 'position_id')::uuid from saved where name = 'first')),
  'Staff Backend Engineer / staff', 'the position fields are replaced');

select tests.authenticate_as('admin_a');
select lives_ok($$select save_generated_position(pg_temp.pos('Backend Engineer'), pg_temp.comps(),
    (select (r ->> 'position_id')::uuid from saved where name = 'by_admin'))$$,
  'save_generated_position: an admin regenerates a draft (replacing links no policy lets admins delete)');
select throws_ok($$select save_generated_position(pg_temp.pos(), '[{"name": "Only", "weight": 0.5, "required_level": 3}]',
    (select (r ->> 'position_id')::uuid from saved where name = 'first'))$$, 'PT400', 'invalid_competencies',
  'a refused regeneration...');
reset role;
select is((select count(*)::int from public.position_competencies where position_id = (select (r ->> 'position_id')::uuid from saved where name = 'first')),
  2, '...leaves the draft''s links as they were (nothing half-written)');

select tests.authenticate_as('owner_a');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps(), '50000000-0000-0000-0000-0000000000a1')$$,
  'PT409', 'position_not_draft', 'save_generated_position: a published position is not overwritten (PT409 position_not_draft)');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps(), '50000000-0000-0000-0000-0000000000b2')$$,
  'PT404', 'position_not_found', 'save_generated_position: another tenant''s draft is PT404 position_not_found');
select throws_ok($$select save_generated_position(pg_temp.pos(), pg_temp.comps(), '50000000-0000-0000-0000-0000000000ff')$$,
  'PT404', 'position_not_found', 'save_generated_position: an unknown position looks the same');
reset role;
select is((select count(*)::int from public.position_competencies where position_id = '50000000-0000-0000-0000-0000000000a1'),
  1, 'the published position keeps its competencies');
select is((select title from public.positions where id = '50000000-0000-0000-0000-0000000000b2'), 'Draft of B',
  'B''s draft is untouched');

-- ---- grants -------------------------------------------------------------------------
select ok(has_function_privilege('authenticated', 'public.save_generated_position(jsonb, jsonb, uuid, text)', 'execute'),
  'signed-in users may call it (it checks the caller itself)');
select ok(not has_function_privilege('anon', 'public.save_generated_position(jsonb, jsonb, uuid, text)', 'execute'),
  'anon may not');
select ok(not has_function_privilege('authenticated', 'private.position_with_competencies(uuid, uuid[])', 'execute'),
  'the representation helper is not callable by signed-in users');

select * from finish();
rollback;
